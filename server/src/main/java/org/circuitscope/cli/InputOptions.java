package org.circuitscope.cli;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.tokenizer.Encoding;
import org.circuitscope.tokenizer.Tokenizer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** What to run the model on: a text file (tokenized, BOS prepended unless {@code --no-bos}) or explicit ids. */
final class InputOptions {
    /** Text inputs above this are refused: the model's context is far smaller, and a huge file is a mistake. */
    static final long MAX_TEXT_BYTES = 8L << 20;

    static final class Source {
        @Option(names = "--text", paramLabel = "FILE", description = "UTF-8 text file to tokenize.")
        Path text;

        @Option(names = "--tokens", paramLabel = "IDS", split = ",", description = "Comma-separated token ids, used exactly (no BOS added).")
        int[] tokens;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--no-bos", description = "Do not prepend the BOS token to --text (TransformerLens prepends it by default).")
    boolean noBos;

    /** Options for one text file, as {@code --text FILE [--no-bos]} would give (commands that read two prompts). */
    static InputOptions ofText(Path file, boolean noBos) {
        InputOptions o = new InputOptions();
        o.source = new Source();
        o.source.text = file;
        o.noBos = noBos;
        return o;
    }

    /** The token ids and, for each, the text people should see. */
    record Prompt(int[] tokens, String[] texts) {}

    Prompt resolve(LoadedModel m) throws IOException {
        if (source.tokens != null) {
            int[] ids = source.tokens;
            String[] texts = new String[ids.length];
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] < 0 || ids[i] >= m.config().dVocab()) {
                    throw new IllegalArgumentException("--tokens: id " + ids[i] + " at position " + i + " is outside the vocabulary [0, "
                            + m.config().dVocab() + ")");
                }
                int id = ids[i];
                texts[i] = m.tokenizer().map(t -> t.tokenText(id)).orElse("#" + id);
            }
            return new Prompt(ids, texts);
        }
        Tokenizer tok = m.tokenizer().orElseThrow(() -> new IllegalArgumentException(
                m.dir() + " has no tokenizer.json: pass token ids with --tokens instead of --text"));
        String text = readText(source.text);
        Encoding enc = tok.encode(text);
        boolean bos = !noBos && m.config().defaultPrependBos();
        int bosId = -1;
        if (bos) {
            bosId = tok.bosId().orElseThrow(() -> new IllegalArgumentException(
                    "the tokenizer has no <|endoftext|> token to use as BOS; pass --no-bos"));
        }
        int n = enc.size() + (bos ? 1 : 0);
        if (n == 0) throw new IllegalArgumentException(source.text + ": the text is empty and --no-bos leaves no tokens");
        int[] ids = new int[n];
        String[] texts = new String[n];
        if (bos) { ids[0] = bosId; texts[0] = tok.tokenText(bosId); }
        for (int i = 0; i < enc.size(); i++) {
            int j = i + (bos ? 1 : 0);
            ids[j] = enc.ids()[i];
            texts[j] = tok.tokenText(ids[j]);
        }
        if (ids.length > m.config().nCtx()) {
            throw new IllegalArgumentException(source.text + ": " + ids.length + " tokens exceed the model's context of " + m.config().nCtx()
                    + " (n_ctx); shorten the text");
        }
        return new Prompt(ids, texts);
    }

    static String readText(Path file) throws IOException {
        requireFile(file);
        long size = Files.size(file);
        if (size > MAX_TEXT_BYTES) throw new IOException(file + ": " + size + " bytes is too large for a prompt (limit " + MAX_TEXT_BYTES + ")");
        byte[] bytes = Files.readAllBytes(file);
        for (byte b : Arrays.copyOf(bytes, (int) Math.min(bytes.length, 8192))) {
            if (b == 0) throw new IOException(file + ": looks binary (contains NUL bytes); give a UTF-8 text file");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IOException(file + ": not valid UTF-8 text");
        }
    }

    /** A text file the user named must be a regular file; the message says what it is instead. */
    static void requireFile(Path file) throws IOException {
        if (Files.isRegularFile(file)) return;
        if (Files.isDirectory(file)) throw new IOException(file + " is a directory; give a text file");
        if (Files.exists(file)) throw new IOException(file + " is not a regular file; give a text file");
        throw new IOException(file + ": no such file");
    }
}

package org.circuitscope.scan;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads corpus inputs into documents: a text file is one document (id: its file name); a
 * {@code .jsonl} file holds one document per line, a JSON object with a {@code text} string
 * (id: its {@code id} field when present, else {@code file:lineNo}); a directory holds such
 * files, read in name order (hidden files skipped). Blank JSONL lines are skipped. Any problem
 * is one exception naming the file and line: text that is not UTF-8 or holds NUL bytes (a binary
 * file), a file over {@link #MAX_FILE_BYTES}, a malformed line, a missing {@code text} field or
 * two documents with one id.
 */
public final class Corpus {
    /** A larger input is taken for a mistake (a disk image, a model file), not a corpus file. */
    public static final long MAX_FILE_BYTES = 1L << 30;

    private Corpus() {}

    public static List<CorpusDocument> read(List<Path> inputs) throws IOException {
        if (inputs.isEmpty()) throw new IllegalArgumentException("no corpus inputs given");
        List<CorpusDocument> docs = new ArrayList<>();
        for (Path in : inputs) {
            if (Files.isDirectory(in)) {
                List<Path> files;
                try (Stream<Path> s = Files.list(in)) {
                    files = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
                }
                if (files.isEmpty()) throw new IllegalArgumentException(in + ": directory holds no corpus files");
                for (Path f : files) readFile(f, docs);
            } else if (Files.isRegularFile(in)) {
                readFile(in, docs);
            } else {
                throw new IllegalArgumentException(in + ": no such file or directory");
            }
        }
        Set<String> seen = new HashSet<>();
        for (CorpusDocument d : docs) {
            if (!seen.add(d.id())) throw new IllegalArgumentException("two documents have the id '" + d.id() + "'; ids must be unique in a corpus");
        }
        return List.copyOf(docs);
    }

    private static void readFile(Path f, List<CorpusDocument> out) throws IOException {
        long size = Files.size(f);
        if (size > MAX_FILE_BYTES) {
            throw new IllegalArgumentException(f + ": " + size + " bytes is over the " + (MAX_FILE_BYTES >> 20) + " MiB limit for one corpus file; split it");
        }
        String name = f.getFileName().toString();
        if (name.endsWith(".jsonl")) {
            List<String> lines = decode(f).lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) continue;
                out.add(jsonLine(name, i + 1, lines.get(i), f));
            }
        } else {
            out.add(new CorpusDocument(name, decode(f)));
        }
    }

    private static CorpusDocument jsonLine(String name, int lineNo, String line, Path f) {
        String where = f + ":" + lineNo;
        JsonElement e;
        try {
            e = JsonParser.parseString(line);
        } catch (JsonParseException ex) {
            throw new IllegalArgumentException(where + ": malformed JSON line: " + rootMessage(ex));
        }
        if (!(e instanceof JsonObject o)) throw new IllegalArgumentException(where + ": a JSONL line must be a JSON object with a \"text\" field");
        if (!(o.get("text") instanceof JsonPrimitive t) || !t.isString()) {
            throw new IllegalArgumentException(where + ": no \"text\" string field");
        }
        String id = name + ":" + lineNo;
        if (o.get("id") instanceof JsonPrimitive p) id = p.getAsString();
        return new CorpusDocument(id, t.getAsString());
    }

    private static String decode(Path f) throws IOException {
        byte[] b = Files.readAllBytes(f);
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) throw new IllegalArgumentException(f + ": a NUL byte at offset " + i + ": a binary file, not text");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(f + ": not UTF-8 text (a binary file?)");
        }
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) t = t.getCause();
        return String.valueOf(t.getMessage());
    }
}

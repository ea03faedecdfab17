package org.circuitscope.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.RunOptions;
import org.circuitscope.tokenizer.Tokenizer;
import picocli.CommandLine.Option;

/**
 * {@code --text FILE} for the statistics over a text: the whole file tokenized and cut into
 * windows of the model's context, each run with BOS first; the BOS position is left out of the
 * statistics (its residual stream is an attention sink, far from every other position's).
 */
final class TextWindows {
    @Option(names = "--text", required = true, paramLabel = "FILE", description = "UTF-8 text; longer than the context, it is cut into windows of n_ctx tokens.")
    Path text;

    @Option(names = "--max-windows", defaultValue = "64", description = "Use at most this many windows of the text (default ${DEFAULT-VALUE}).")
    int maxWindows;

    /** The runs, recording {@code hooks}. */
    List<ActivationCache> run(LoadedModel m, List<String> hooks) throws IOException {
        if (maxWindows < 1) throw new IllegalArgumentException("--max-windows must be at least 1");
        Tokenizer tok = m.tokenizer().orElseThrow(() -> new IllegalArgumentException(m.dir() + " has no tokenizer.json to read --text with"));
        int bos = tok.bosId().orElseThrow(() -> new IllegalArgumentException("the tokenizer has no <|endoftext|> token to start each window with"));
        int[] ids = tok.encode(InputOptions.readText(text)).ids();
        if (ids.length < 2) throw new IllegalArgumentException(text + ": fewer than two tokens; give a longer text");
        int per = m.config().nCtx() - 1;
        List<int[]> windows = new ArrayList<>();
        for (int start = 0; start < ids.length && windows.size() < maxWindows; start += per) {
            int[] chunk = Arrays.copyOfRange(ids, start, Math.min(ids.length, start + per));
            int[] w = new int[chunk.length + 1];
            w[0] = bos;
            System.arraycopy(chunk, 0, w, 1, chunk.length);
            windows.add(w);
        }
        // One batch: the DJL backend pads and runs them together, simd one after another.
        return m.transformer().runBatch(windows, RunOptions.names(hooks));
    }

    /** Positions left out at the start of each window: the BOS. */
    static final int SKIP = 1;
}

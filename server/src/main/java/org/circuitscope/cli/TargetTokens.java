package org.circuitscope.cli;

import org.circuitscope.io.LoadedModel;
import org.circuitscope.model.LogitOps;
import org.circuitscope.tensor.Tensor;
import org.circuitscope.tokenizer.Encoding;

/** Positions and --target / --contrast tokens for the analysis commands (paths, attribute, lens). */
final class TargetTokens {
    /** Tokens listed when a target text is several tokens. */
    private static final int SHOWN_TOKENS = 5;

    private TargetTokens() {}

    /** A token as the JSON shows it. */
    record Tok(int id, String text) {}

    /** {@code --pos}: null means the last position; negative counts from the end (−1 = last). */
    static int position(Integer pos, int n) {
        if (pos == null) return n - 1;
        int p = pos < 0 ? n + pos : pos;
        if (p < 0 || p >= n) {
            throw new IllegalArgumentException("--pos " + pos + " is outside the prompt of " + n + " tokens (positions 0–" + (n - 1)
                    + ", or −1 for the last)");
        }
        return p;
    }

    /**
     * A token given as an id (all digits) or as text that must be exactly one token
     * ({@code text:} forces text, for digits).
     */
    static int parse(String spec, LoadedModel m, String option) {
        int v = m.config().dVocab();
        if (!spec.startsWith("text:") && spec.matches("\\d{1,9}")) {
            int id = Integer.parseInt(spec);
            if (id >= v) throw new IllegalArgumentException(option + " " + id + " is outside the vocabulary [0, " + v + ")");
            return id;
        }
        String text = spec.startsWith("text:") ? spec.substring(5) : spec;
        var tok = m.tokenizer().orElseThrow(() -> new IllegalArgumentException(
                option + " " + Text.quoteInput(text) + " is text but " + m.dir() + " has no tokenizer.json; give a token id"));
        Encoding e = tok.encode(text);
        if (e.size() != 1) {
            // The first few tokens show where the text splits; a pasted page would list thousands.
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < Math.min(e.size(), SHOWN_TOKENS); k++) {
                int id = e.ids()[k];
                sb.append(sb.isEmpty() ? "" : ", ").append(Text.quote(tok.tokenText(id))).append(" (").append(id).append(')');
            }
            if (e.size() > SHOWN_TOKENS) sb.append(", …");
            throw new IllegalArgumentException(option + " " + Text.quoteInput(text) + " is " + e.size() + " tokens, not one"
                    + (e.size() == 0 ? "" : ": " + sb) + "; give a single token (mind the leading space) or a token id");
        }
        int id = e.ids()[0];
        if (id >= v) throw new IllegalArgumentException(option + " " + Text.quoteInput(text) + " is token " + id + ", outside the model's vocabulary [0, " + v + ")");
        return id;
    }

    /** The explicit target, else the token actually at pos + 1, else the top prediction at pos. */
    static int target(String spec, LoadedModel m, int[] tokens, int pos, Tensor logits) {
        if (spec != null) return parse(spec, m, "--target");
        if (pos + 1 < tokens.length) return tokens[pos + 1];
        return LogitOps.topK(LogitOps.logSoftmax(logits, pos), 1)[0].token();
    }

    static Tok tok(LoadedModel m, int id) {
        return new Tok(id, m.tokenizer().map(t -> t.tokenText(id)).orElse("#" + id));
    }
}

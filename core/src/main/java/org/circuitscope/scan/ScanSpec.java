package org.circuitscope.scan;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.Serializable;
import org.circuitscope.model.ModelConfig;

/**
 * What a scan collects and how it cuts documents into windows.
 *
 * @param contextLength tokens per window including the BOS token when {@code prependBos} (at most n_ctx)
 * @param stride        document tokens between the starts of consecutive windows, 1 ≤ stride ≤ the
 *                      document tokens per window ({@code contextLength} − 1 with BOS); equal to it,
 *                      windows do not overlap
 * @param topK          contexts kept per head and per MLP neuron
 * @param prependBos    each window starts with the tokenizer's BOS token (TransformerLens's default)
 * @param contextLeft   tokens of left context stored with each top example (the focus token excluded)
 * @param contextRight  tokens of right context stored with each top example
 */
public record ScanSpec(int contextLength, int stride, int topK, boolean prependBos, int contextLeft, int contextRight)
        implements Serializable {
    private static final Gson GSON = new GsonBuilder().create();

    public ScanSpec {
        if (contextLength < 2) throw new IllegalArgumentException("context length must be at least 2 tokens, got " + contextLength);
        int perWindow = contextLength - (prependBos ? 1 : 0);
        if (stride < 1 || stride > perWindow) {
            throw new IllegalArgumentException("stride must be between 1 and " + perWindow + " (the document tokens per window), got " + stride);
        }
        if (topK < 0) throw new IllegalArgumentException("top-k must be ≥ 0, got " + topK);
        if (contextLeft < 0 || contextRight < 0) throw new IllegalArgumentException("example context must be ≥ 0 tokens each side");
    }

    /** Windows of {@code contextLength} tokens that do not overlap, top 20, 16 tokens left and 4 right. */
    public static ScanSpec of(int contextLength, boolean prependBos) {
        return new ScanSpec(contextLength, contextLength - (prependBos ? 1 : 0), 20, prependBos, 16, 4);
    }

    /** Document tokens in one window (the context length less the BOS token). */
    public int tokensPerWindow() { return contextLength - (prependBos ? 1 : 0); }

    /** Throws when this spec does not fit the model: a window longer than n_ctx. */
    public void check(ModelConfig cfg) {
        if (contextLength > cfg.nCtx()) {
            throw new IllegalArgumentException("context length " + contextLength + " is longer than the model's n_ctx " + cfg.nCtx()
                    + " (" + cfg.modelName() + "); use --context " + cfg.nCtx() + " or less");
        }
    }

    public String toJson() { return GSON.toJson(this); }

    public static ScanSpec fromJson(String json) {
        try {
            ScanSpec s = GSON.fromJson(json, ScanSpec.class);
            if (s == null) throw new IllegalArgumentException("empty scan spec");
            return s;
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("malformed scan spec: " + e.getMessage(), e);
        }
    }
}

package org.circuitscope.scan;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.Serializable;
import java.util.List;
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
 * @param saes          SAE folders (SAELens layout) whose features the scan also collects; empty for none
 *                      (absent in the JSON of older specs). Paths as every worker must read them
 * @param featureBins   the bins of each feature's activation histogram, the same in every partial so they merge
 */
public record ScanSpec(int contextLength, int stride, int topK, boolean prependBos, int contextLeft, int contextRight,
                       List<String> saes, FeatureBins featureBins)
        implements Serializable {
    private static final Gson GSON = new GsonBuilder().create();

    public ScanSpec {
        saes = saes == null ? List.of() : List.copyOf(saes);
        if (featureBins == null) featureBins = FeatureBins.DEFAULT;
        if (contextLength < 2) throw new IllegalArgumentException("context length must be at least 2 tokens, got " + contextLength);
        int perWindow = contextLength - (prependBos ? 1 : 0);
        if (stride < 1 || stride > perWindow) {
            throw new IllegalArgumentException("stride must be between 1 and " + perWindow + " (the document tokens per window), got " + stride);
        }
        if (topK < 0) throw new IllegalArgumentException("top-k must be ≥ 0, got " + topK);
        if (contextLeft < 0 || contextRight < 0) throw new IllegalArgumentException("example context must be ≥ 0 tokens each side");
    }

    /** A scan without SAE features. */
    public ScanSpec(int contextLength, int stride, int topK, boolean prependBos, int contextLeft, int contextRight) {
        this(contextLength, stride, topK, prependBos, contextLeft, contextRight, List.of(), FeatureBins.DEFAULT);
    }

    /** This spec collecting the features of the SAEs in {@code dirs} too. */
    public ScanSpec withSaes(List<String> dirs) {
        return new ScanSpec(contextLength, stride, topK, prependBos, contextLeft, contextRight, dirs, featureBins);
    }

    /**
     * Histogram bins of nonzero feature activations, fixed before the scan so that partials add
     * bin by bin: bin 0 is (0, lo), bins 1 … {@code bins} split [lo, hi) at geometric steps (SAE
     * activations span decades), bin {@code bins} + 1 is [hi, ∞).
     */
    public record FeatureBins(double lo, double hi, int bins) implements Serializable {
        /** 1e-2 to 1e2, 10 bins a decade. */
        public static final FeatureBins DEFAULT = new FeatureBins(1e-2, 1e2, 40);

        public FeatureBins {
            if (!(lo > 0) || !(hi > lo) || bins < 1) throw new IllegalArgumentException("feature bins need 0 < lo < hi and bins ≥ 1, got " + lo + ", " + hi + ", " + bins);
        }

        /** Every bin's lower edge, {@code bins + 2} of them: 0, lo, …, hi. */
        public double[] lowerEdges() {
            double[] e = new double[bins + 2];
            for (int i = 0; i <= bins; i++) e[i + 1] = i == bins ? hi : lo * StrictMath.pow(hi / lo, (double) i / bins);
            return e;
        }

        /** The bin of a positive value, by comparison with {@code edges} (from {@link #lowerEdges}), so every worker bins alike. */
        public static int bin(double[] edges, double v) {
            int lo = 0, hi = edges.length - 1; // the last bin whose lower edge is ≤ v
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (edges[mid] <= v) lo = mid;
                else hi = mid - 1;
            }
            return lo;
        }
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

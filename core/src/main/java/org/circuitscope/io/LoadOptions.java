package org.circuitscope.io;

import java.util.Objects;

/**
 * Weight processing applied on load, named as TransformerLens's {@code from_pretrained}
 * arguments, and how a 16-bit checkpoint's weights are held. Processing is off by default (the
 * loaded model is the checkpoint as written); 16-bit weights are kept 16-bit by default
 * (tensors that processing rewrites become float32).
 */
public record LoadOptions(boolean foldLn, boolean centerWritingWeights, boolean centerUnembed, boolean foldValueBiases,
                          WeightsDtype weightsDtype) {
    public LoadOptions {
        Objects.requireNonNull(weightsDtype, "weightsDtype");
    }

    /** The processing flags, 16-bit weights kept. */
    public LoadOptions(boolean foldLn, boolean centerWritingWeights, boolean centerUnembed, boolean foldValueBiases) {
        this(foldLn, centerWritingWeights, centerUnembed, foldValueBiases, WeightsDtype.KEEP);
    }

    public static LoadOptions none() { return new LoadOptions(false, false, false, false); }

    /** These options with {@code dtype} for the weights. */
    public LoadOptions withWeightsDtype(WeightsDtype dtype) {
        return new LoadOptions(foldLn, centerWritingWeights, centerUnembed, foldValueBiases, dtype);
    }
}

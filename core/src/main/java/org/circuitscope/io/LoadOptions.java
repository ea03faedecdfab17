package org.circuitscope.io;

/**
 * Weight processing applied on load, named as TransformerLens's {@code from_pretrained}
 * arguments. All off by default: the loaded model is the checkpoint as written.
 */
public record LoadOptions(boolean foldLn, boolean centerWritingWeights, boolean centerUnembed, boolean foldValueBiases) {
    public static LoadOptions none() { return new LoadOptions(false, false, false, false); }
}

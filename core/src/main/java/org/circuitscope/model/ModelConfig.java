package org.circuitscope.model;

/**
 * The shape of a GPT-2-family decoder, in TransformerLens's config fields
 * ({@code n_layers, d_model, n_heads, d_head, d_mlp, d_vocab, n_ctx, act_fn,
 * normalization_type, attn_only, eps}). Positional embeddings are learned ("standard").
 *
 * @param modelName        a name for people (the model directory's name when loaded)
 * @param dMlp             ignored (0) when {@code attnOnly}
 * @param defaultPrependBos whether prompts get a BOS token unless told otherwise (TransformerLens: true)
 */
public record ModelConfig(String modelName, int nLayers, int dModel, int nHeads, int dHead, int dMlp,
                          int dVocab, int nCtx, ActFn actFn, Normalization normalizationType,
                          boolean attnOnly, double eps, boolean defaultPrependBos) {

    public ModelConfig {
        positive("n_layers", nLayers);
        positive("d_model", dModel);
        positive("n_heads", nHeads);
        positive("d_head", dHead);
        positive("d_vocab", dVocab);
        positive("n_ctx", nCtx);
        if (!attnOnly) positive("d_mlp", dMlp);
        if (actFn == null) actFn = ActFn.GELU_NEW;
        if (normalizationType == null) normalizationType = Normalization.NONE;
        if (!(eps > 0) || !Double.isFinite(eps)) throw new IllegalArgumentException("eps must be a positive number, got " + eps);
        // Guards against configs whose tensors could never fit in a Java array.
        if ((long) nHeads * dModel * dHead > Integer.MAX_VALUE / 2 || (long) dVocab * dModel > Integer.MAX_VALUE / 2
                || (long) nCtx * dModel > Integer.MAX_VALUE / 2 || (long) dModel * dMlp > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("config describes tensors too large to load (d_model " + dModel
                    + ", d_vocab " + dVocab + ", n_ctx " + nCtx + ", d_mlp " + dMlp + ")");
        }
    }

    private static void positive(String field, int v) {
        if (v <= 0) throw new IllegalArgumentException(field + " must be a positive integer, got " + v);
    }

    public ModelConfig withNormalization(Normalization n) {
        return new ModelConfig(modelName, nLayers, dModel, nHeads, dHead, dMlp, dVocab, nCtx, actFn, n, attnOnly, eps, defaultPrependBos);
    }

    public ModelConfig withName(String name) {
        return new ModelConfig(name, nLayers, dModel, nHeads, dHead, dMlp, dVocab, nCtx, actFn, normalizationType, attnOnly, eps, defaultPrependBos);
    }

    /** Head label as TransformerLens and the paper write it: {@code L1H6}. */
    public static String headLabel(int layer, int head) { return "L" + layer + "H" + head; }
}

package org.circuitscope.model;

/**
 * The shape of a decoder, in TransformerLens's config fields ({@code n_layers, d_model,
 * n_heads, d_head, d_mlp, d_vocab, n_ctx, act_fn, normalization_type, attn_only, eps}) and,
 * for what differs between families (rotary embeddings, grouped-query attention, gated MLPs,
 * parallel attention and MLP), an {@link Architecture}; GPT-2's unless given.
 *
 * @param modelName        a name for people (the model directory's name when loaded)
 * @param dMlp             ignored (0) when {@code attnOnly}
 * @param defaultPrependBos whether prompts get a BOS token unless told otherwise (TransformerLens: true)
 */
public record ModelConfig(String modelName, int nLayers, int dModel, int nHeads, int dHead, int dMlp,
                          int dVocab, int nCtx, ActFn actFn, Normalization normalizationType,
                          boolean attnOnly, double eps, boolean defaultPrependBos, Architecture architecture) {

    /** A GPT-2-style config (learned positions, one key/value head per head, plain MLP, sequential blocks). */
    public ModelConfig(String modelName, int nLayers, int dModel, int nHeads, int dHead, int dMlp, int dVocab, int nCtx,
                       ActFn actFn, Normalization normalizationType, boolean attnOnly, double eps, boolean defaultPrependBos) {
        this(modelName, nLayers, dModel, nHeads, dHead, dMlp, dVocab, nCtx, actFn, normalizationType, attnOnly, eps,
                defaultPrependBos, Architecture.GPT2);
    }

    public ModelConfig {
        // Zero layers is TransformerLens's n_layers = 0: embedding → final norm → unembedding (the paper's bigram model).
        if (nLayers < 0) throw new IllegalArgumentException("n_layers must be zero or a positive integer, got " + nLayers);
        positive("d_model", dModel);
        positive("n_heads", nHeads);
        positive("d_head", dHead);
        positive("d_vocab", dVocab);
        positive("n_ctx", nCtx);
        if (!attnOnly) positive("d_mlp", dMlp);
        if (actFn == null) actFn = ActFn.GELU_NEW;
        if (normalizationType == null) normalizationType = Normalization.NONE;
        if (architecture == null) architecture = Architecture.GPT2;
        if (architecture.nKeyValueHeads() == 0) architecture = architecture.withKeyValueHeads(nHeads);
        if (nHeads % architecture.nKeyValueHeads() != 0) {
            throw new IllegalArgumentException("n_heads (" + nHeads + ") must be a multiple of n_key_value_heads ("
                    + architecture.nKeyValueHeads() + ")");
        }
        if (architecture.rotaryDim() > dHead) {
            throw new IllegalArgumentException("rotary_dim (" + architecture.rotaryDim() + ") exceeds d_head (" + dHead + ")");
        }
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
        return new ModelConfig(modelName, nLayers, dModel, nHeads, dHead, dMlp, dVocab, nCtx, actFn, n, attnOnly, eps, defaultPrependBos, architecture);
    }

    public ModelConfig withName(String name) {
        return new ModelConfig(name, nLayers, dModel, nHeads, dHead, dMlp, dVocab, nCtx, actFn, normalizationType, attnOnly, eps, defaultPrependBos, architecture);
    }

    public ModelConfig withArchitecture(Architecture a) {
        return new ModelConfig(modelName, nLayers, dModel, nHeads, dHead, dMlp, dVocab, nCtx, actFn, normalizationType, attnOnly, eps, defaultPrependBos, a);
    }

    /** Key/value heads: n_heads, or fewer under grouped-query attention. */
    public int nKeyValueHeads() { return architecture.nKeyValueHeads(); }

    /** Whether heads share key/value heads (TransformerLens's GroupedQueryAttention, with {@code _W_K}, {@code _W_V}). */
    public boolean groupedQuery() { return nKeyValueHeads() < nHeads; }

    /** The key/value head that query head {@code head} reads (heads are grouped in order, as repeat_interleave does). */
    public int keyValueHead(int head) { return head / (nHeads / nKeyValueHeads()); }

    public boolean rotary() { return architecture.rotary(); }

    /** Head label as TransformerLens and the paper write it: {@code L1H6}. */
    public static String headLabel(int layer, int head) { return "L" + layer + "H" + head; }
}

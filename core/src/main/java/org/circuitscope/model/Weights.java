package org.circuitscope.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.circuitscope.tensor.DType;
import org.circuitscope.tensor.Tensor;

/**
 * The parameters of a model under TransformerLens state-dict names ({@code embed.W_E},
 * {@code blocks.0.attn.W_Q}, ...), checked against the config when built: every tensor the
 * config needs is present with its exact shape and holds no NaN or infinity. Missing biases
 * are taken as zero (some checkpoints omit them); missing weights are an error.
 *
 * <p>Computing code reads the typed views ({@link #layer}, {@link #wE()}, ...); the names are
 * for loading, saving and labels ({@link WeightNames}).
 */
public final class Weights {
    private final ModelConfig cfg;
    private final Map<String, Tensor> tensors;
    private final WeightViews views;

    private Weights(ModelConfig cfg, Map<String, Tensor> tensors) {
        this.cfg = cfg;
        this.tensors = tensors;
        this.views = WeightViews.of(cfg, this::get);
    }

    /** Validates {@code tensors} against {@code cfg}; {@code source} names where they came from, for errors. */
    public static Weights of(ModelConfig cfg, Map<String, Tensor> tensors, String source) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        expected(cfg).forEach((name, shape) -> {
            Tensor t = tensors.get(name);
            if (t == null) {
                if (isBias(name)) {
                    t = Tensor.zeros(shape);
                } else {
                    throw new IllegalArgumentException(source + ": tensor '" + name + "' is missing (the config needs "
                            + Arrays.toString(shape) + ")");
                }
            }
            if (!Arrays.equals(t.shape(), shape)) {
                throw new IllegalArgumentException(source + ": tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                        + " but the config needs " + Arrays.toString(shape));
            }
            int bad = t.firstNonFinite();
            if (bad >= 0) {
                throw new IllegalArgumentException(source + ": tensor '" + name + "' holds " + t.at(bad) + " at flat index " + bad
                        + "; weights must be finite");
            }
            out.put(name, t);
        });
        return new Weights(cfg, Collections.unmodifiableMap(out));
    }

    private static boolean isBias(String name) {
        String last = name.substring(name.lastIndexOf('.') + 1);
        if (last.startsWith("_")) last = last.substring(1);
        // RMSNorm has no bias, and an RMS model's ln weights are not optional.
        return last.startsWith("b_") || last.equals("b");
    }

    /** Every tensor name the config needs, with its shape, in state-dict order. */
    public static Map<String, int[]> expected(ModelConfig c) {
        Map<String, int[]> m = new LinkedHashMap<>();
        int d = c.dModel(), h = c.nHeads(), kv = c.nKeyValueHeads(), dh = c.dHead();
        m.put(WeightNames.W_E, new int[] {c.dVocab(), d});
        if (!c.rotary()) m.put(WeightNames.W_POS, new int[] {c.nCtx(), d});
        Normalization norm = c.normalizationType();
        for (int l = 0; l < c.nLayers(); l++) {
            normWeights(m, norm, d, WeightNames.ln(l, "ln1", "w"), WeightNames.ln(l, "ln1", "b"));
            m.put(WeightNames.attn(l, "W_Q"), new int[] {h, d, dh});
            m.put(WeightNames.keyValue(c, l, "W_K"), new int[] {kv, d, dh});
            m.put(WeightNames.keyValue(c, l, "W_V"), new int[] {kv, d, dh});
            m.put(WeightNames.attn(l, "W_O"), new int[] {h, dh, d});
            m.put(WeightNames.attn(l, "b_Q"), new int[] {h, dh});
            m.put(WeightNames.keyValue(c, l, "b_K"), new int[] {kv, dh});
            m.put(WeightNames.keyValue(c, l, "b_V"), new int[] {kv, dh});
            m.put(WeightNames.attn(l, "b_O"), new int[] {d});
            if (!c.attnOnly()) {
                normWeights(m, norm, d, WeightNames.ln(l, "ln2", "w"), WeightNames.ln(l, "ln2", "b"));
                m.put(WeightNames.mlp(l, "W_in"), new int[] {d, c.dMlp()});
                if (c.architecture().gatedMlp()) m.put(WeightNames.mlp(l, "W_gate"), new int[] {d, c.dMlp()});
                m.put(WeightNames.mlp(l, "b_in"), new int[] {c.dMlp()});
                m.put(WeightNames.mlp(l, "W_out"), new int[] {c.dMlp(), d});
                m.put(WeightNames.mlp(l, "b_out"), new int[] {d});
            }
        }
        normWeights(m, norm, d, WeightNames.LN_FINAL_W, WeightNames.LN_FINAL_B);
        m.put(WeightNames.W_U, new int[] {d, c.dVocab()});
        m.put(WeightNames.B_U, new int[] {c.dVocab()});
        return m;
    }

    /** LayerNorm's w and b, RMSNorm's w, nothing for the folded forms. */
    private static void normWeights(Map<String, int[]> m, Normalization norm, int d, String w, String b) {
        if (norm.hasWeight()) m.put(w, new int[] {d});
        if (norm == Normalization.LN) m.put(b, new int[] {d});
    }

    public ModelConfig config() { return cfg; }

    /** Every parameter, typed. */
    public WeightViews views() { return views; }

    /** Block {@code l}'s parameters, typed. */
    public LayerWeights layer(int l) { return views.layer(l); }

    /** {@code embed.W_E} {@code [d_vocab, d_model]}. */
    public Tensor wE() { return views.wE(); }

    /** {@code pos_embed.W_pos} {@code [n_ctx, d_model]}; null for rotary models. */
    public Tensor wPos() { return views.wPos(); }

    /** {@code ln_final.w/b} (b null for RMS); null unless normalization_type is LN or RMS. */
    public NormWeights lnFinal() { return views.lnFinal(); }

    /** {@code unembed.W_U} {@code [d_model, d_vocab]}. */
    public Tensor wU() { return views.wU(); }

    /** {@code unembed.b_U} {@code [d_vocab]}. */
    public Tensor bU() { return views.bU(); }

    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException("no weight named '" + name + "' in model " + cfg.modelName());
        return t;
    }

    public float[] data(String name) { return get(name).data(); }

    public boolean has(String name) { return tensors.containsKey(name); }

    /** Whether every tensor is float32 (false where a 16-bit checkpoint's weights were kept in 16 bits). */
    public boolean allFloat32() {
        return tensors.values().stream().allMatch(t -> t.dtype() == DType.F32);
    }

    /**
     * These weights with every 16-bit tensor converted to float32 (this object when all are),
     * for code that writes weights in place or reads them many times over: the trainer.
     */
    public Weights toFloat32() {
        if (allFloat32()) return this;
        Map<String, Tensor> m = new LinkedHashMap<>();
        tensors.forEach((name, t) -> m.put(name, t.toFloat32()));
        return new Weights(cfg, Collections.unmodifiableMap(m));
    }

    /** All tensors by state-dict name, in order. */
    public Map<String, Tensor> asMap() { return tensors; }

    /** A copy with some tensors replaced (and the config possibly changed), validated again. */
    public Weights with(ModelConfig newCfg, Map<String, Tensor> replaced) {
        Map<String, Tensor> m = new LinkedHashMap<>(tensors);
        m.putAll(replaced);
        m.keySet().retainAll(expected(newCfg).keySet());
        return of(newCfg, m, newCfg.modelName());
    }
}

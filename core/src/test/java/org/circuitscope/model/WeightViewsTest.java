package org.circuitscope.model;

import static org.junit.jupiter.api.Assertions.*;

import java.util.IdentityHashMap;
import java.util.Map;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class WeightViewsTest {

    /** The forward tests' GPT-2-style matrix, and a GPT-NeoX-style and a grouped-query gated Llama-style config. */
    static java.util.stream.Stream<ModelConfig> configs() {
        ModelConfig base = TransformerTest.config(Normalization.LN, false, ActFn.GELU);
        return java.util.stream.Stream.concat(
                TransformerTest.configs().map(a -> (ModelConfig) a.get()[0]),
                java.util.stream.Stream.of(
                        base.withArchitecture(new Architecture(PositionalEmbedding.ROTARY, 4, 10000, 0, false, true, "GPTNeoXForCausalLM")),
                        base.withNormalization(Normalization.RMS)
                                .withArchitecture(new Architecture(PositionalEmbedding.ROTARY, 8, 10000, 1, true, false, "LlamaForCausalLM"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void everyViewIsTheTensorOfItsStateDictNameAndEveryTensorHasAView(ModelConfig cfg) {
        Weights w = RandomWeights.generate(cfg, 3, 0.5);
        Map<Tensor, String> viewed = new IdentityHashMap<>();
        view(viewed, "embed.W_E", w.wE());
        assertEquals(cfg.rotary(), w.wPos() == null, "W_pos exactly for learned positions");
        if (!cfg.rotary()) view(viewed, "pos_embed.W_pos", w.wPos());
        view(viewed, "unembed.W_U", w.wU());
        view(viewed, "unembed.b_U", w.bU());
        // LN has w and b, RMS only w, the folded forms and none neither.
        boolean ln = cfg.normalizationType().hasWeight(), bias = cfg.normalizationType() == Normalization.LN;
        assertEquals(ln, w.lnFinal() != null, "ln_final has weights exactly when normalization_type is LN or RMS");
        if (ln) norm(viewed, "ln_final.", w.lnFinal(), bias);
        for (int l = 0; l < cfg.nLayers(); l++) {
            LayerWeights lw = w.layer(l);
            String p = "blocks." + l + ".";
            assertEquals(l, lw.layer());
            LayerWeights.Attention a = lw.attn();
            view(viewed, p + "attn.W_Q", a.wQ());
            view(viewed, WeightNames.keyValue(cfg, l, "W_K"), a.wK());
            view(viewed, WeightNames.keyValue(cfg, l, "W_V"), a.wV());
            view(viewed, p + "attn.W_O", a.wO());
            view(viewed, p + "attn.b_Q", a.bQ());
            view(viewed, WeightNames.keyValue(cfg, l, "b_K"), a.bK());
            view(viewed, WeightNames.keyValue(cfg, l, "b_V"), a.bV());
            assertEquals(cfg.nKeyValueHeads(), a.wK().dim(0), p + "key/value heads");
            view(viewed, p + "attn.b_O", a.bO());
            assertEquals(java.util.List.of(a.wQ(), a.wK(), a.wV()), a.wQkv());
            assertEquals(java.util.List.of(a.bQ(), a.bK(), a.bV()), a.bQkv());
            assertEquals(ln, lw.ln1() != null, p + "ln1");
            assertEquals(ln && !cfg.attnOnly(), lw.ln2() != null, p + "ln2");
            assertEquals(!cfg.attnOnly(), lw.mlp() != null, p + "mlp");
            if (ln) norm(viewed, p + "ln1.", lw.ln1(), bias);
            if (lw.ln2() != null) norm(viewed, p + "ln2.", lw.ln2(), bias);
            if (lw.mlp() != null) {
                view(viewed, p + "mlp.W_in", lw.mlp().wIn());
                view(viewed, p + "mlp.b_in", lw.mlp().bIn());
                view(viewed, p + "mlp.W_out", lw.mlp().wOut());
                view(viewed, p + "mlp.b_out", lw.mlp().bOut());
                assertEquals(cfg.architecture().gatedMlp(), lw.mlp().gated(), p + "gated");
                if (lw.mlp().gated()) view(viewed, p + "mlp.W_gate", lw.mlp().wGate());
            }
        }
        for (var e : w.asMap().entrySet()) {
            assertEquals(e.getKey(), viewed.get(e.getValue()), "the tensor named " + e.getKey() + " has a view under that name");
        }
        assertEquals(Weights.expected(cfg).keySet(), w.asMap().keySet());
        assertThrows(IndexOutOfBoundsException.class, () -> w.layer(cfg.nLayers()));
    }

    private static void norm(Map<Tensor, String> viewed, String prefix, NormWeights n, boolean bias) {
        view(viewed, prefix + "w", n.w());
        assertEquals(bias, n.b() != null, prefix + "b exactly for LayerNorm");
        if (bias) view(viewed, prefix + "b", n.b());
    }

    private static void view(Map<Tensor, String> viewed, String name, Tensor view) {
        assertNotNull(view, name);
        assertNull(viewed.put(view, name), name + " is viewed twice");
    }
}

package org.circuitscope.model;

import static org.junit.jupiter.api.Assertions.*;

import java.util.IdentityHashMap;
import java.util.Map;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class WeightViewsTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.circuitscope.model.TransformerTest#configs")
    void everyViewIsTheTensorOfItsStateDictNameAndEveryTensorHasAView(ModelConfig cfg) {
        Weights w = RandomWeights.generate(cfg, 3, 0.5);
        Map<Tensor, String> viewed = new IdentityHashMap<>();
        view(viewed, "embed.W_E", w.wE());
        if (cfg.rotary()) assertNull(w.wPos(), "rotary models have no W_pos");
        else view(viewed, "pos_embed.W_pos", w.wPos());
        view(viewed, "unembed.W_U", w.wU());
        view(viewed, "unembed.b_U", w.bU());
        // LN has w and b, RMS only w, the folded forms and none nothing.
        boolean ln = cfg.normalizationType().hasWeight();
        assertEquals(ln, w.lnFinal() != null, "ln_final has weights exactly when normalization_type is LN or RMS");
        if (ln) norm(viewed, "ln_final.", w.lnFinal(), cfg);
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
            view(viewed, p + "attn.b_O", a.bO());
            assertEquals(java.util.List.of(a.wQ(), a.wK(), a.wV()), a.wQkv());
            assertEquals(java.util.List.of(a.bQ(), a.bK(), a.bV()), a.bQkv());
            assertEquals(ln, lw.ln1() != null, p + "ln1");
            assertEquals(ln && !cfg.attnOnly(), lw.ln2() != null, p + "ln2");
            assertEquals(!cfg.attnOnly(), lw.mlp() != null, p + "mlp");
            if (ln) norm(viewed, p + "ln1.", lw.ln1(), cfg);
            if (lw.ln2() != null) norm(viewed, p + "ln2.", lw.ln2(), cfg);
            if (lw.mlp() != null) {
                view(viewed, p + "mlp.W_in", lw.mlp().wIn());
                view(viewed, p + "mlp.b_in", lw.mlp().bIn());
                view(viewed, p + "mlp.W_out", lw.mlp().wOut());
                view(viewed, p + "mlp.b_out", lw.mlp().bOut());
                assertEquals(cfg.architecture().gatedMlp(), lw.mlp().gated(), p + "mlp gated");
                if (lw.mlp().gated()) view(viewed, p + "mlp.W_gate", lw.mlp().wGate());
            }
        }
        for (var e : w.asMap().entrySet()) {
            assertEquals(e.getKey(), viewed.get(e.getValue()), "the tensor named " + e.getKey() + " has a view under that name");
        }
        assertEquals(Weights.expected(cfg).keySet(), w.asMap().keySet());
        assertThrows(IndexOutOfBoundsException.class, () -> w.layer(cfg.nLayers()));
    }

    private static void norm(Map<Tensor, String> viewed, String prefix, NormWeights n, ModelConfig cfg) {
        view(viewed, prefix + "w", n.w());
        if (cfg.normalizationType() == Normalization.LN) view(viewed, prefix + "b", n.b());
        else assertNull(n.b(), prefix + "b: RMSNorm has no bias");
    }

    private static void view(Map<Tensor, String> viewed, String name, Tensor view) {
        assertNotNull(view, name);
        assertNull(viewed.put(view, name), name + " is viewed twice");
    }
}

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
        view(viewed, "pos_embed.W_pos", w.wPos());
        view(viewed, "unembed.W_U", w.wU());
        view(viewed, "unembed.b_U", w.bU());
        boolean ln = cfg.normalizationType() == Normalization.LN;
        assertEquals(ln, w.lnFinal() != null, "ln_final has weights exactly when normalization_type is LN");
        if (ln) {
            view(viewed, "ln_final.w", w.lnFinal().w());
            view(viewed, "ln_final.b", w.lnFinal().b());
        }
        for (int l = 0; l < cfg.nLayers(); l++) {
            LayerWeights lw = w.layer(l);
            String p = "blocks." + l + ".";
            assertEquals(l, lw.layer());
            LayerWeights.Attention a = lw.attn();
            view(viewed, p + "attn.W_Q", a.wQ());
            view(viewed, p + "attn.W_K", a.wK());
            view(viewed, p + "attn.W_V", a.wV());
            view(viewed, p + "attn.W_O", a.wO());
            view(viewed, p + "attn.b_Q", a.bQ());
            view(viewed, p + "attn.b_K", a.bK());
            view(viewed, p + "attn.b_V", a.bV());
            view(viewed, p + "attn.b_O", a.bO());
            assertEquals(java.util.List.of(a.wQ(), a.wK(), a.wV()), a.wQkv());
            assertEquals(java.util.List.of(a.bQ(), a.bK(), a.bV()), a.bQkv());
            assertEquals(ln, lw.ln1() != null, p + "ln1");
            assertEquals(ln && !cfg.attnOnly(), lw.ln2() != null, p + "ln2");
            assertEquals(!cfg.attnOnly(), lw.mlp() != null, p + "mlp");
            if (ln) {
                view(viewed, p + "ln1.w", lw.ln1().w());
                view(viewed, p + "ln1.b", lw.ln1().b());
            }
            if (lw.ln2() != null) {
                view(viewed, p + "ln2.w", lw.ln2().w());
                view(viewed, p + "ln2.b", lw.ln2().b());
            }
            if (lw.mlp() != null) {
                view(viewed, p + "mlp.W_in", lw.mlp().wIn());
                view(viewed, p + "mlp.b_in", lw.mlp().bIn());
                view(viewed, p + "mlp.W_out", lw.mlp().wOut());
                view(viewed, p + "mlp.b_out", lw.mlp().bOut());
            }
        }
        for (var e : w.asMap().entrySet()) {
            assertEquals(e.getKey(), viewed.get(e.getValue()), "the tensor named " + e.getKey() + " has a view under that name");
        }
        assertEquals(Weights.expected(cfg).keySet(), w.asMap().keySet());
        assertThrows(IndexOutOfBoundsException.class, () -> w.layer(cfg.nLayers()));
    }

    private static void view(Map<Tensor, String> viewed, String name, Tensor view) {
        assertNotNull(view, name);
        assertNull(viewed.put(view, name), name + " is viewed twice");
    }
}

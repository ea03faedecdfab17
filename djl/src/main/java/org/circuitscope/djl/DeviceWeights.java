package org.circuitscope.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.circuitscope.model.LayerWeights;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.NormWeights;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Tensor;

/**
 * A model's weights on the device, uploaded once and owned by the backend's manager, in the
 * layouts the pass multiplies by: W_Q/W_K/W_V as one {@code [d_model, heads · d_head]} matrix
 * each (x·W then splits into heads), W_O both as {@code [heads · d_head, d_model]} and per head
 * {@code [heads, d_head, d_model]} (for hook_result). The embeddings stay on the heap: a pass
 * gathers its rows there (a few KB) and uploads them.
 */
final class DeviceWeights {
    record Norm(NDArray w, NDArray b) {}

    record Layer(NDArray wQ, NDArray wK, NDArray wV, NDArray bQ, NDArray bK, NDArray bV, NDArray wO, NDArray wOHeads, NDArray bO,
                 Norm ln1, Norm ln2, NDArray wIn, NDArray bIn, NDArray wGate, NDArray wOut, NDArray bOut) {}

    final Weights heap;
    final ModelConfig cfg;
    final Layer[] layers;
    final Norm lnFinal;
    final NDArray wU, bU;

    DeviceWeights(Weights w, NDManager m) {
        this.heap = w;
        this.cfg = w.config();
        layers = new Layer[cfg.nLayers()];
        for (int l = 0; l < layers.length; l++) {
            LayerWeights lw = w.layer(l);
            LayerWeights.Attention a = lw.attn();
            LayerWeights.Mlp mlp = lw.mlp();
            layers[l] = new Layer(headsAsColumns(m, a.wQ()), headsAsColumns(m, a.wK()), headsAsColumns(m, a.wV()),
                    flat(m, a.bQ()), flat(m, a.bK()), flat(m, a.bV()),
                    m.create(a.wO().data(), new Shape(a.wO().dim(0) * a.wO().dim(1), a.wO().dim(2))),
                    m.create(a.wO().data(), new Shape(a.wO().dim(0), a.wO().dim(1), a.wO().dim(2))),
                    flat(m, a.bO()), norm(m, lw.ln1()), norm(m, lw.ln2()),
                    mlp == null ? null : matrix(m, mlp.wIn()), mlp == null ? null : flat(m, mlp.bIn()),
                    mlp == null || !mlp.gated() ? null : matrix(m, mlp.wGate()),
                    mlp == null ? null : matrix(m, mlp.wOut()), mlp == null ? null : flat(m, mlp.bOut()));
        }
        lnFinal = norm(m, w.lnFinal());
        wU = matrix(m, w.wU());
        bU = flat(m, w.bU());
    }

    /** {@code [heads, d_model, d_head]} as {@code [d_model, heads · d_head]}: column block h is head h. */
    private static NDArray headsAsColumns(NDManager m, Tensor w) {
        int h = w.dim(0), d = w.dim(1), dh = w.dim(2);
        float[] src = w.data(), out = new float[src.length];
        for (int hh = 0; hh < h; hh++) {
            for (int i = 0; i < d; i++) System.arraycopy(src, (hh * d + i) * dh, out, i * h * dh + hh * dh, dh);
        }
        return m.create(out, new Shape(d, (long) h * dh));
    }

    private static NDArray matrix(NDManager m, Tensor w) { return m.create(w.data(), new Shape(w.dim(0), w.dim(1))); }

    private static NDArray flat(NDManager m, Tensor b) { return m.create(b.data(), new Shape(b.size())); }

    private static Norm norm(NDManager m, NormWeights n) {
        return n == null ? null : new Norm(flat(m, n.w()), n.b() == null ? null : flat(m, n.b()));
    }
}

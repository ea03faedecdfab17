package org.circuitscope.circuits;

import java.util.function.Function;
import org.circuitscope.model.LayerWeights;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Tensor;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * A head's two d_model × d_model circuits, as TransformerLens's {@code model.QK} and
 * {@code model.OV} (row vectors, x·W):
 * <ul>
 * <li>QK: W_QK = W_Q·W_Kᵀ (paper: W_Qᵀ W_K in column-vector notation); the attention score of
 *   query residual x_q on key residual x_k is x_q·W_QK·x_kᵀ (before the 1/√d_head scale).</li>
 * <li>OV: W_OV = W_V·W_O (paper: W_O W_V); attending to residual x writes x·W_OV.</li>
 * </ul>
 * Biases and LayerNorm are left out, as in TransformerLens: load with {@code --fold-ln} for
 * circuits that include the LayerNorm weights.
 */
public final class HeadCircuits {
    private HeadCircuits() {}

    /** W_Q[h] [d_model, d_head] times W_K[h]ᵀ [d_head, d_model]. */
    public static FactoredMatrix qk(Weights w, int layer, int head) {
        return new FactoredMatrix(wq(w, layer, head), CommonOps_DDRM.transpose(wk(w, layer, head), null));
    }

    /** W_V[h] [d_model, d_head] times W_O[h] [d_head, d_model]. */
    public static FactoredMatrix ov(Weights w, int layer, int head) {
        return new FactoredMatrix(wv(w, layer, head), wo(w, layer, head));
    }

    static DMatrixRMaj wq(Weights w, int l, int h) { return inProjection(w, l, h, LayerWeights.Attention::wQ); }

    static DMatrixRMaj wk(Weights w, int l, int h) { return inProjection(w, l, h, LayerWeights.Attention::wK); }

    static DMatrixRMaj wv(Weights w, int l, int h) { return inProjection(w, l, h, LayerWeights.Attention::wV); }

    /** W_O[h], [d_head, d_model]. */
    static DMatrixRMaj wo(Weights w, int l, int h) {
        ModelConfig c = check(w, l, h);
        return FactoredMatrix.matrix(w.layer(l).attn().wO().data(), h * c.dHead() * c.dModel(), c.dHead(), c.dModel());
    }

    private static DMatrixRMaj inProjection(Weights w, int l, int h, Function<LayerWeights.Attention, Tensor> which) {
        ModelConfig c = check(w, l, h);
        return FactoredMatrix.matrix(which.apply(w.layer(l).attn()).data(), h * c.dModel() * c.dHead(), c.dModel(), c.dHead());
    }

    private static ModelConfig check(Weights w, int l, int h) {
        ModelConfig c = w.config();
        if (l < 0 || l >= c.nLayers() || h < 0 || h >= c.nHeads()) {
            throw new IllegalArgumentException("no head " + ModelConfig.headLabel(l, h) + " in " + c.modelName() + " (" + c.nLayers()
                    + " layers × " + c.nHeads() + " heads, zero-based)");
        }
        return c;
    }
}

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
 *
 * <p>Other families: under grouped-query attention a query head's W_K and W_V are those of the
 * key/value head it reads ({@link ModelConfig#keyValueHead}; TransformerLens's W_K is that
 * repeat of {@code _W_K}). Rotary models' QK circuits leave the rotation out, as
 * TransformerLens's {@code model.QK} does: the score of real tokens also depends on their
 * distance, which no position-free d_model × d_model matrix can hold ({@link #rotaryNote}).
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

    static DMatrixRMaj wq(Weights w, int l, int h) {
        check(w, l, h);
        return inProjection(w, l, h, LayerWeights.Attention::wQ);
    }

    /** W_K of head h: its key/value head's under grouped-query attention. */
    static DMatrixRMaj wk(Weights w, int l, int h) { return inProjection(w, l, keyValue(w, l, h), LayerWeights.Attention::wK); }

    /** W_V of head h: its key/value head's under grouped-query attention. */
    static DMatrixRMaj wv(Weights w, int l, int h) { return inProjection(w, l, keyValue(w, l, h), LayerWeights.Attention::wV); }

    /**
     * What a report says about a QK circuit of this model: null unless it is rotary, whose QK
     * circuits (here and in TransformerLens) leave the rotation out.
     */
    public static String rotaryNote(ModelConfig c) {
        return c.rotary() ? "QK circuits leave rotary embeddings out (as TransformerLens's model.QK): the model's scores also"
                + " depend on the distance between query and key, over the first " + c.architecture().rotaryDim() + " of "
                + c.dHead() + " dimensions of each head" : null;
    }

    private static int keyValue(Weights w, int l, int h) {
        check(w, l, h);
        return w.config().keyValueHead(h);
    }

    /** W_O[h], [d_head, d_model]. */
    static DMatrixRMaj wo(Weights w, int l, int h) {
        ModelConfig c = check(w, l, h);
        return FactoredMatrix.matrix(w.layer(l).attn().wO().data(), h * c.dHead() * c.dModel(), c.dHead(), c.dModel());
    }

    /** Head (or key/value head) h's slice [d_model, d_head] of a projection. */
    private static DMatrixRMaj inProjection(Weights w, int l, int h, Function<LayerWeights.Attention, Tensor> which) {
        ModelConfig c = w.config();
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

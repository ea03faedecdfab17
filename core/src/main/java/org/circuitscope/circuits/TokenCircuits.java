package org.circuitscope.circuits;

import java.util.stream.IntStream;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Kernels;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The token-space circuits of a model, each a {@link FactoredMatrix} of rank ≤ d_head (or
 * d_model for the direct path), over a chosen set of tokens T (all of the vocabulary, or a
 * subset: an exact scan of a d_vocab × d_vocab circuit costs d_vocab²·d_head, too much for
 * GPT-2's 50257 tokens on every head):
 * <ul>
 * <li>QK circuit W_E·W_QK·W_Eᵀ (paper: W_Eᵀ W_QK^h W_E): rows are destination (query) tokens,
 *   columns source (key) tokens; entry = unscaled attention score.</li>
 * <li>positional QK W_E·W_QK·W_posᵀ: rows query tokens, columns key positions.</li>
 * <li>OV circuit W_E·W_OV·W_U (paper: W_U W_OV^h W_E): rows are source (attended) tokens,
 *   columns output tokens; entry = the logit change per unit of attention.</li>
 * <li>direct path W_E·W_U (paper: W_U W_E): rows input tokens, columns next-token logits.</li>
 * </ul>
 * Row and column i of every circuit stand for token id {@code tokens()[i]}. Factors are
 * float64; over the whole GPT-2 vocabulary W_E and W_U take 2 × 300 MB here, so prefer a subset.
 * Biases and LayerNorm are left out, and rotary models' QK circuits leave the rotation out (see
 * {@link HeadCircuits}); under grouped-query attention a head reads its key/value head's W_K, W_V.
 */
public final class TokenCircuits {
    private final Weights w;
    private final int[] tokens;
    private final DMatrixRMaj embed;    // W_E[T], [|T|, d_model]
    private final DMatrixRMaj unembed;  // W_U[:, T], [d_model, |T|]

    private TokenCircuits(Weights w, int[] tokens) {
        ModelConfig c = w.config();
        int d = c.dModel(), v = c.dVocab(), n = tokens.length;
        for (int i = 0; i < n; i++) {
            if (tokens[i] < 0 || tokens[i] >= v) {
                throw new IllegalArgumentException("token id " + tokens[i] + " at index " + i + " is outside the vocabulary 0.." + (v - 1));
            }
        }
        this.w = w;
        this.tokens = tokens.clone();
        float[] we = w.wE().data(), wu = w.wU().data();
        embed = new DMatrixRMaj(n, d);
        unembed = new DMatrixRMaj(d, n);
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) embed.data[i * d + j] = we[tokens[i] * d + j];
        // W_U [d_model, d_vocab] row by row: a token's column would be d_vocab floats apart.
        for (int j = 0; j < d; j++) for (int i = 0; i < n; i++) unembed.data[j * n + i] = wu[j * v + tokens[i]];
    }

    /** Circuits over the whole vocabulary. */
    public static TokenCircuits of(Weights w) {
        return new TokenCircuits(w, IntStream.range(0, w.config().dVocab()).toArray());
    }

    /** Circuits over the given token ids only (rows and columns in this order). */
    public static TokenCircuits of(Weights w, int[] tokens) { return new TokenCircuits(w, tokens); }

    /** The token id of row/column i. */
    public int token(int i) { return tokens[i]; }

    public int[] tokens() { return tokens.clone(); }

    public int size() { return tokens.length; }

    /** W_E·W_Q[h] · (W_E·W_K[h])ᵀ, [|T| queries, |T| keys]. */
    public FactoredMatrix qk(int layer, int head) {
        DMatrixRMaj keys = FactoredMatrix.mult(embed, HeadCircuits.wk(w, layer, head));
        return new FactoredMatrix(FactoredMatrix.mult(embed, HeadCircuits.wq(w, layer, head)), CommonOps_DDRM.transpose(keys, null));
    }

    /**
     * Column j of {@link #qk}: every token's unscaled attention score toward token j, as
     * W_E·(W_Q[h]·(W_K[h]ᵀ·W_E[j]ᵀ)) in float64, O(|T|·d_model + d_model·d_head) without
     * either factor of the whole circuit.
     */
    public double[] qkColumn(int layer, int head, int j) { return qkColumns(layer, head, j)[0]; }

    /**
     * {@link #qkColumn} of several key tokens at once, [column][query token]: the head's weights
     * are read once and each row of W_E[T] once for all columns, and every entry is the same sum,
     * in the same order, as the column alone.
     */
    public double[][] qkColumns(int layer, int head, int... js) {
        for (int j : js) if (j < 0 || j >= tokens.length) throw new IndexOutOfBoundsException("column " + j + " outside 0.." + (tokens.length - 1));
        DMatrixRMaj wq = HeadCircuits.wq(w, layer, head), wk = HeadCircuits.wk(w, layer, head);
        int d = embed.numCols, dh = wq.numCols, n = tokens.length, m = js.length;
        double[][] query = new double[m][d], out = new double[m][n];
        for (int c = 0; c < m; c++) {
            double[] key = new double[dh];
            for (int i = 0; i < d; i++) {
                double x = embed.data[js[c] * d + i];
                for (int e = 0; e < dh; e++) key[e] += x * wk.data[i * dh + e];
            }
            for (int i = 0; i < d; i++) {
                double s = 0;
                for (int e = 0; e < dh; e++) s += wq.data[i * dh + e] * key[e];
                query[c][i] = s;
            }
        }
        // Four rows at a time: four independent sums (each in the order of the one-row loop below)
        // instead of one chain of dependent additions; the four rows stay in cache across columns.
        double[] e = embed.data;
        int t = 0;
        for (; t + 4 <= n; t += 4) {
            int r0 = t * d, r1 = r0 + d, r2 = r1 + d, r3 = r2 + d;
            for (int c = 0; c < m; c++) {
                double[] q = query[c];
                double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                for (int i = 0; i < d; i++) {
                    double qi = q[i];
                    s0 += e[r0 + i] * qi;
                    s1 += e[r1 + i] * qi;
                    s2 += e[r2 + i] * qi;
                    s3 += e[r3 + i] * qi;
                }
                out[c][t] = s0;
                out[c][t + 1] = s1;
                out[c][t + 2] = s2;
                out[c][t + 3] = s3;
            }
        }
        for (; t < n; t++) {
            for (int c = 0; c < m; c++) {
                double s = 0;
                for (int i = 0; i < d; i++) s += e[t * d + i] * query[c][i];
                out[c][t] = s;
            }
        }
        return out;
    }

    /** W_E·W_Q[h] · (W_pos·W_K[h])ᵀ, [|T| queries, n_ctx key positions]; an error for rotary models, which have no W_pos. */
    public FactoredMatrix qkPositional(int layer, int head) {
        ModelConfig c = w.config();
        if (c.rotary()) {
            throw new IllegalArgumentException(c.modelName() + " uses rotary position embeddings: it has no W_pos, so there is no"
                    + " positional QK circuit (positions rotate queries and keys instead)");
        }
        DMatrixRMaj pos = FactoredMatrix.matrix(w.wPos().data(), 0, c.nCtx(), c.dModel());
        DMatrixRMaj keys = FactoredMatrix.mult(pos, HeadCircuits.wk(w, layer, head));
        return new FactoredMatrix(FactoredMatrix.mult(embed, HeadCircuits.wq(w, layer, head)), CommonOps_DDRM.transpose(keys, null));
    }

    /** W_E·W_V[h] · W_O[h]·W_U, [|T| sources, |T| outputs]. */
    public FactoredMatrix ov(int layer, int head) {
        return new FactoredMatrix(FactoredMatrix.mult(embed, HeadCircuits.wv(w, layer, head)),
                FactoredMatrix.mult(HeadCircuits.wo(w, layer, head), unembed));
    }

    /**
     * The float32 factors of every head's {@link #ov} circuit in layer {@code layer}, each one
     * product on the kernels for the whole layer: {@code left} [|T|, n_kv_heads·d_head] =
     * W_E[T]·W_V (key/value head g in columns [g·d_head, (g+1)·d_head)) and {@code right}
     * [n_heads·d_head, |T|] = W_O·W_U[:, T] (head h in rows [h·d_head, (h+1)·d_head)).
     */
    OvFactors ovFactors(int layer) {
        ModelConfig c = w.config();
        int n = tokens.length, d = c.dModel(), dh = c.dHead(), nkv = c.nKeyValueHeads(), hd = c.nHeads() * dh;
        float[] e = new float[n * d], u = new float[d * n], left = new float[n * nkv * dh], right = new float[hd * n];
        for (int i = 0; i < e.length; i++) e[i] = (float) embed.data[i];
        for (int i = 0; i < u.length; i++) u[i] = (float) unembed.data[i];
        var a = w.layer(layer).attn();
        Kernels k = Kernels.get();
        // W_V is [n_kv_heads, d_model, d_head]: one product per key/value head, side by side in left's columns.
        k.gemmBatched(nkv, false, false, n, dh, d, e, 0, d, 0, a.wV().data(), 0, dh, d * dh, left, 0, nkv * dh, dh, false);
        // W_O is [n_heads, d_head, d_model], i.e. [n_heads·d_head, d_model] rows: one product.
        k.gemm(false, false, hd, n, d, a.wO().data(), 0, d, u, 0, n, right, 0, n, false);
        return new OvFactors(left, right, nkv * dh);
    }

    /** {@link #ovFactors}: {@code left} with rows {@code ldLeft} floats apart. */
    record OvFactors(float[] left, float[] right, int ldLeft) {}

    /** W_E · W_U, [|T| inputs, |T| outputs]. */
    public FactoredMatrix direct() { return new FactoredMatrix(embed, unembed); }
}

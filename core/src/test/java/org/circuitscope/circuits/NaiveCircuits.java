package org.circuitscope.circuits;

import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Weights;

/** Circuits materialised from the raw weights by plain float64 loops: the tests' reference. */
final class NaiveCircuits {
    private NaiveCircuits() {}

    /** W_Q[h]·W_K[h]ᵀ, d_model × d_model. */
    static double[][] qk(Weights w, int l, int h) {
        return times(in(w, l, h, "W_Q"), transpose(in(w, l, h, "W_K")));
    }

    /** W_V[h]·W_O[h], d_model × d_model. */
    static double[][] ov(Weights w, int l, int h) {
        return times(in(w, l, h, "W_V"), out(w, l, h));
    }

    static double[][] embed(Weights w) { return dense(w.data("embed.W_E"), w.config().dVocab(), w.config().dModel()); }

    static double[][] unembed(Weights w) { return dense(w.data("unembed.W_U"), w.config().dModel(), w.config().dVocab()); }

    static double[][] pos(Weights w) { return dense(w.data("pos_embed.W_pos"), w.config().nCtx(), w.config().dModel()); }

    /**
     * Head h's slice of W_Q, W_K or W_V. Under grouped-query attention W_K and W_V are
     * TransformerLens's repeat_interleave of {@code _W_K}, {@code _W_V}: head h's is key/value
     * head h / (n_heads / n_key_value_heads)'s.
     */
    static double[][] in(Weights w, int l, int h, String name) {
        ModelConfig c = w.config();
        int kv = c.architecture().nKeyValueHeads();
        boolean shared = !name.equals("W_Q") && kv < c.nHeads();
        float[] x = w.data("blocks." + l + ".attn." + (shared ? "_" : "") + name);
        int src = shared ? h / (c.nHeads() / kv) : h;
        double[][] m = new double[c.dModel()][c.dHead()];
        for (int i = 0; i < c.dModel(); i++) for (int e = 0; e < c.dHead(); e++) m[i][e] = x[(src * c.dModel() + i) * c.dHead() + e];
        return m;
    }

    static double[][] out(Weights w, int l, int h) {
        ModelConfig c = w.config();
        float[] x = w.data("blocks." + l + ".attn.W_O");
        double[][] m = new double[c.dHead()][c.dModel()];
        for (int e = 0; e < c.dHead(); e++) for (int i = 0; i < c.dModel(); i++) m[e][i] = x[(h * c.dHead() + e) * c.dModel() + i];
        return m;
    }

    static double[][] dense(float[] x, int rows, int cols) {
        double[][] m = new double[rows][cols];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) m[i][j] = x[i * cols + j];
        return m;
    }

    static double[][] times(double[][] x, double[][] y) {
        double[][] c = new double[x.length][y[0].length];
        for (int i = 0; i < x.length; i++)
            for (int j = 0; j < y[0].length; j++)
                for (int e = 0; e < y.length; e++) c[i][j] += x[i][e] * y[e][j];
        return c;
    }

    static double[][] transpose(double[][] x) {
        double[][] t = new double[x[0].length][x.length];
        for (int i = 0; i < x.length; i++) for (int j = 0; j < x[0].length; j++) t[j][i] = x[i][j];
        return t;
    }

    static double frobenius(double[][] x) {
        double s = 0;
        for (double[] r : x) for (double v : r) s += v * v;
        return Math.sqrt(s);
    }

    static double[] flat(double[][] x) {
        double[] f = new double[x.length * x[0].length];
        for (int i = 0; i < x.length; i++) System.arraycopy(x[i], 0, f, i * x[0].length, x[0].length);
        return f;
    }
}

package org.circuitscope.circuits;

import java.util.ArrayList;
import java.util.List;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Weights;
import org.ejml.data.DMatrixRMaj;

/**
 * Virtual weights between a writer and a later reader of the residual stream (the framework
 * paper's "residual stream as a communication channel"): what the reader's input sees of the
 * writer's output when nothing in between changes it,
 * <pre>
 *   V = W_out(writer) · W_in(reader)      [writer's inner dim, reader's inner dim], middle d_model
 * </pre>
 * with W_out = W_E [d_vocab, d_model], W_pos [n_ctx, d_model], W_O[h] [d_head, d_model] or MLP
 * W_out [d_mlp, d_model], and W_in = W_Q[h], W_K[h], W_V[h] [d_model, d_head] or MLP W_in
 * [d_model, d_mlp] (row vectors; the paper's W_I² W_O¹ in column notation). Kept factored; its
 * norm is also given relative to ‖W_out‖_F·‖W_in‖_F (the composition-score ratio, 1 when the
 * reader reads exactly what the writer writes with matched spectra, ≈ 1/√d_model for random
 * weights). LayerNorm in between is left out, as for composition scores: load with
 * {@code --fold-ln} to include its weights. A gated MLP reader is read through W_in (not W_gate).
 */
public final class VirtualWeights {
    private VirtualWeights() {}

    /**
     * One singular direction pair: the writer's inner coordinates (heaviest first) and the reader's.
     *
     * @param writer top coordinates of the left singular vector, by |value|
     * @param reader top coordinates of the right singular vector, by |value|
     */
    public record Direction(double singularValue, List<Coordinate> writer, List<Coordinate> reader) {}

    /** One coordinate of a singular vector: a head dimension, a neuron, a token id or a position. */
    public record Coordinate(int index, double value) {}

    public record Result(ChannelComponent writer, ChannelComponent reader, FactoredMatrix matrix, double norm, double relativeNorm,
                         double[] singularValues, List<Direction> top) {}

    /** The factored virtual weight matrix; refuses pairs where the writer does not come before the reader. */
    public static FactoredMatrix of(Weights w, ChannelComponent writer, ChannelComponent reader) {
        ModelConfig c = w.config();
        if (!writer.reaches(reader, c)) {
            throw new IllegalArgumentException(writer.label() + " does not write before " + reader.label() + " reads (in " + c.modelName()
                    + " a head reaches later layers" + (c.architecture().parallelAttnMlp() ? "" : " and its own layer's MLP")
                    + ", an MLP later layers)");
        }
        return new FactoredMatrix(output(w, writer), input(w, reader));
    }

    /** The matrix with its norms and the {@code k} strongest singular directions, {@code coords} coordinates each. */
    public static Result compute(Weights w, ChannelComponent writer, ChannelComponent reader, int k, int coords) {
        if (k < 0 || coords < 1) throw new IllegalArgumentException("need k ≥ 0 singular directions and at least one coordinate each");
        FactoredMatrix v = of(w, writer, reader);
        double norm = v.norm();
        double denom = frobenius(v.a()) * frobenius(v.b());
        FactoredMatrix.Svd svd = v.svd();
        List<Direction> top = new ArrayList<>();
        for (int i = 0; i < Math.min(k, svd.s().length); i++) {
            double[] u = new double[svd.u().numRows], r = new double[svd.vh().numCols];
            for (int e = 0; e < u.length; e++) u[e] = svd.u().get(e, i);
            for (int e = 0; e < r.length; e++) r[e] = svd.vh().get(i, e);
            // A singular pair's sign is arbitrary: make the writer's heaviest coordinate positive so reruns agree.
            int heavy = TopK.indices(abs(u), 1)[0];
            if (u[heavy] < 0) { negate(u); negate(r); }
            top.add(new Direction(svd.s()[i], heaviest(u, coords), heaviest(r, coords)));
        }
        return new Result(writer, reader, v, norm, denom == 0 ? 0 : norm / denom, svd.s(), List.copyOf(top));
    }

    /** The writer's output weights [inner, d_model]. */
    static DMatrixRMaj output(Weights w, ChannelComponent x) {
        ModelConfig c = w.config();
        return switch (x.kind()) {
            case EMBED -> FactoredMatrix.matrix(w.wE().data(), 0, c.dVocab(), c.dModel());
            case POS_EMBED -> FactoredMatrix.matrix(w.wPos().data(), 0, c.nCtx(), c.dModel());
            case HEAD -> HeadCircuits.wo(w, x.layer(), x.head());
            case MLP -> FactoredMatrix.matrix(w.layer(x.layer()).mlp().wOut().data(), 0, c.dMlp(), c.dModel());
        };
    }

    /** The reader's input weights [d_model, inner]. */
    static DMatrixRMaj input(Weights w, ChannelComponent x) {
        ModelConfig c = w.config();
        return switch (x.kind()) {
            case HEAD -> switch (x.input()) {
                case 'q' -> HeadCircuits.wq(w, x.layer(), x.head());
                case 'k' -> HeadCircuits.wk(w, x.layer(), x.head());
                case 'v' -> HeadCircuits.wv(w, x.layer(), x.head());
                default -> throw new IllegalArgumentException("reader " + x.label() + ": say :q, :k or :v");
            };
            case MLP -> FactoredMatrix.matrix(w.layer(x.layer()).mlp().wIn().data(), 0, c.dModel(), c.dMlp());
            default -> throw new IllegalArgumentException(x.label() + " only writes to the residual stream; readers are heads (L1H0:q) and MLPs");
        };
    }

    private static List<Coordinate> heaviest(double[] x, int n) {
        List<Coordinate> out = new ArrayList<>();
        for (int i : TopK.indices(abs(x), Math.min(n, x.length))) out.add(new Coordinate(i, x[i]));
        return List.copyOf(out);
    }

    private static double[] abs(double[] x) {
        double[] a = new double[x.length];
        for (int i = 0; i < x.length; i++) a[i] = Math.abs(x[i]);
        return a;
    }

    private static void negate(double[] x) { for (int i = 0; i < x.length; i++) x[i] = -x[i]; }

    private static double frobenius(DMatrixRMaj m) {
        double s = 0;
        for (double x : m.data) s += x * x;
        return Math.sqrt(s);
    }
}

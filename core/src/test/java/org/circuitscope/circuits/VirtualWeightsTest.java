package org.circuitscope.circuits;

import static org.circuitscope.circuits.NaiveCircuits.*;
import static org.junit.jupiter.api.Assertions.*;

import org.circuitscope.model.ActFn;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.model.Weights;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class VirtualWeightsTest {
    static final ModelConfig C = new ModelConfig("vw", 2, 12, 3, 4, 20, 9, 6, ActFn.GELU_NEW, Normalization.LN, false, 1e-5, true);
    static final Weights W = RandomWeights.generate(C, 21, 0.5);

    static ChannelComponent writer(String s) { return ChannelComponent.parse(s, C, false); }

    static ChannelComponent reader(String s) { return ChannelComponent.parse(s, C, true); }

    /** Writer output weights [inner, d_model] read straight from the state dict. */
    static double[][] naiveOut(String w) {
        if (w.equals("embed")) return embed(W);
        if (w.equals("pos_embed")) return pos(W);
        if (w.startsWith("MLP")) return dense(W.data("blocks." + w.substring(3) + ".mlp.W_out"), C.dMlp(), C.dModel());
        return out(W, w.charAt(1) - '0', w.charAt(3) - '0');
    }

    /** Reader input weights [d_model, inner] read straight from the state dict. */
    static double[][] naiveIn(String r) {
        if (r.startsWith("MLP")) return dense(W.data("blocks." + r.substring(3) + ".mlp.W_in"), C.dModel(), C.dMlp());
        String name = switch (r.charAt(5)) { case 'q' -> "W_Q"; case 'k' -> "W_K"; default -> "W_V"; };
        return in(W, r.charAt(1) - '0', r.charAt(3) - '0', name);
    }

    @Test
    void virtualWeightsEqualTheNaiveProductOfWriterOutputAndReaderInput() {
        String[][] pairs = {{"L0H1", "L1H0:q"}, {"L0H2", "L1H2:k"}, {"L0H0", "L1H1:v"}, {"MLP0", "MLP1"}, {"L0H1", "MLP0"},
                {"embed", "L1H0:k"}, {"pos_embed", "L0H2:q"}, {"MLP0", "L1H2:v"}, {"L1H1", "MLP1"}};
        for (String[] p : pairs) {
            double[][] expected = times(naiveOut(p[0]), naiveIn(p[1]));
            FactoredMatrix v = VirtualWeights.of(W, writer(p[0]), reader(p[1]));
            DMatrixRMaj ab = v.ab();
            assertEquals(expected.length, ab.numRows, p[0] + "→" + p[1] + " rows");
            assertEquals(expected[0].length, ab.numCols, p[0] + "→" + p[1] + " columns");
            for (int i = 0; i < expected.length; i++)
                for (int j = 0; j < expected[0].length; j++) assertEquals(expected[i][j], ab.get(i, j), 1e-12, p[0] + "→" + p[1] + " [" + i + "," + j + "]");
            VirtualWeights.Result r = VirtualWeights.compute(W, writer(p[0]), reader(p[1]), 3, 2);
            assertEquals(frobenius(expected), r.norm(), 1e-10, p[0] + "→" + p[1] + " Frobenius norm");
            assertEquals(frobenius(expected) / (frobenius(naiveOut(p[0])) * frobenius(naiveIn(p[1]))), r.relativeNorm(), 1e-10);
            // ‖M‖_F² = Σσ², and the top singular value is the largest.
            double s2 = 0;
            for (double s : r.singularValues()) s2 += s * s;
            assertEquals(r.norm() * r.norm(), s2, 1e-9, "Σσ² = ‖M‖_F²");
            assertEquals(r.singularValues()[0], r.top().get(0).singularValue(), 0);
        }
    }

    @Test
    void theTopSingularDirectionsSatisfyMvEqualsSigmaU() {
        VirtualWeights.Result r = VirtualWeights.compute(W, writer("L0H1"), reader("L1H0:k"), 1, C.dHead());
        double[][] m = times(naiveOut("L0H1"), naiveIn("L1H0:k"));
        double[] u = new double[C.dHead()], v = new double[C.dHead()];
        for (VirtualWeights.Coordinate x : r.top().get(0).writer()) u[x.index()] = x.value();
        for (VirtualWeights.Coordinate x : r.top().get(0).reader()) v[x.index()] = x.value();
        double sigma = r.top().get(0).singularValue();
        for (int i = 0; i < u.length; i++) {
            double mv = 0;
            for (int j = 0; j < v.length; j++) mv += m[i][j] * v[j];
            assertEquals(sigma * u[i], mv, 1e-9, "M·v = σ·u at " + i);
        }
    }

    @Test
    void aReaderThatDoesNotComeAfterTheWriterIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VirtualWeights.of(W, writer("L1H0"), reader("L0H0:q")));
        assertTrue(e.getMessage().contains("does not write before"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> VirtualWeights.of(W, writer("MLP0"), reader("L0H1:k")));
        assertThrows(IllegalArgumentException.class, () -> VirtualWeights.of(W, writer("L0H0"), reader("L0H1:v")));
        assertThrows(IllegalArgumentException.class, () -> reader("L1H0"), "a head reader names its input");
        assertThrows(IllegalArgumentException.class, () -> writer("L5H0"));
        assertThrows(IllegalArgumentException.class, () -> reader("embed"));
    }
}

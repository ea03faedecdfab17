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

class TokenCircuitsTest {
    static final ModelConfig C = new ModelConfig("c", 2, 12, 3, 4, 0, 9, 6, ActFn.GELU_NEW, Normalization.LN, true, 1e-5, true);
    static final Weights W = RandomWeights.generate(C, 5, 0.5);

    static void assertMatrix(double[][] want, DMatrixRMaj got, String what) {
        assertEquals(want.length, got.numRows, what + ": rows");
        assertEquals(want[0].length, got.numCols, what + ": columns");
        for (int i = 0; i < want.length; i++)
            for (int j = 0; j < want[0].length; j++)
                assertEquals(want[i][j], got.get(i, j), 1e-9 * Math.max(1, Math.abs(want[i][j])), what + " at (" + i + ", " + j + ")");
    }

    @Test
    void headCircuitsAreWqWkTransposedAndWvWo() {
        for (int l = 0; l < 2; l++)
            for (int h = 0; h < 3; h++) {
                assertMatrix(qk(W, l, h), HeadCircuits.qk(W, l, h).ab(), "W_QK of L" + l + "H" + h);
                assertMatrix(ov(W, l, h), HeadCircuits.ov(W, l, h).ab(), "W_OV of L" + l + "H" + h);
            }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HeadCircuits.qk(W, 2, 0));
        assertTrue(e.getMessage().contains("L2H0"), e.getMessage());
    }

    @Test
    void tokenCircuitsEqualTheMaterialisedVocabProducts() {
        TokenCircuits tc = TokenCircuits.of(W);
        double[][] we = embed(W), wu = unembed(W);
        assertMatrix(times(we, wu), tc.direct().ab(), "W_E·W_U");
        for (int l = 0; l < 2; l++)
            for (int h = 0; h < 3; h++) {
                assertMatrix(times(times(we, qk(W, l, h)), transpose(we)), tc.qk(l, h).ab(), "QK circuit L" + l + "H" + h);
                assertMatrix(times(times(we, qk(W, l, h)), transpose(pos(W))), tc.qkPositional(l, h).ab(), "positional QK L" + l + "H" + h);
                assertMatrix(times(times(we, ov(W, l, h)), wu), tc.ov(l, h).ab(), "OV circuit L" + l + "H" + h);
            }
    }

    @Test
    void aTokenSubsetPicksRowsAndColumnsOfTheFullCircuit() {
        int[] ids = {7, 2, 5};
        TokenCircuits sub = TokenCircuits.of(W, ids);
        double[][] full = times(times(embed(W), ov(W, 1, 2)), unembed(W));
        double[][] want = new double[3][3];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) want[i][j] = full[ids[i]][ids[j]];
        assertMatrix(want, sub.ov(1, 2).ab(), "OV circuit on tokens 7, 2, 5");
        assertEquals(5, sub.token(2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenCircuits.of(W, new int[] {1, 9}));
        assertTrue(e.getMessage().contains("9") && e.getMessage().contains("index 1"), e.getMessage());
    }

    @Test
    void qkCopyingScoreEqualsTheScoreOfTheFullQkCircuit() {
        double[][] scores = CopyingScore.qk(W);
        double[][] we = embed(W);
        for (int l = 0; l < 2; l++)
            for (int h = 0; h < 3; h++) {
                double[][] full = times(times(we, qk(W, l, h)), transpose(we));
                double[][] eig = CopyingScore.eigenvalues(flat(full));
                double sum = 0, abs = 0;
                for (double[] z : eig) { sum += z[0]; abs += Math.hypot(z[0], z[1]); }
                assertEquals(sum / abs, scores[l][h], 1e-8, "QK copying score of L" + l + "H" + h);
            }
    }

    @Test
    void rotaryModelsHaveNoPositionalQkCircuitAndTheirQkCircuitsLeaveTheRotationOut() {
        Weights w = RandomWeights.generate(Families.llama(1, true), 2, 0.5);
        TokenCircuits tc = TokenCircuits.of(w, new int[] {1, 4, 9});
        var e = assertThrows(IllegalArgumentException.class, () -> tc.qkPositional(0, 5));
        assertTrue(e.getMessage().contains("rotary") && e.getMessage().contains("W_pos"), e.getMessage());
        // Head 5 reads key/value head 1 (8 heads on 2): its QK circuit is W_E W_Q[5] (W_E _W_K[1])ᵀ, no rotation.
        double[][] we = NaiveCircuits.dense(w.data("embed.W_E"), 30, 16), rows = new double[3][];
        for (int i = 0; i < 3; i++) rows[i] = we[new int[] {1, 4, 9}[i]];
        assertMatrix(times(times(rows, qk(w, 0, 5)), transpose(rows)), tc.qk(0, 5).ab(), "QK of a grouped-query head");
        assertNotNull(HeadCircuits.rotaryNote(w.config()));
        assertNull(HeadCircuits.rotaryNote(W.config()), "no note for learned positions");
    }

    @Test
    void aQkColumnIsThatColumnOfTheMaterialisedCircuit() {
        // 9 tokens: two blocks of four rows and one row after them.
        double[][] we = embed(W);
        TokenCircuits tc = TokenCircuits.of(W);
        for (int l = 0; l < 2; l++)
            for (int h = 0; h < 3; h++) {
                double[][] full = times(times(we, qk(W, l, h)), transpose(we));
                for (int j = 0; j < 9; j++) {
                    double[] got = tc.qkColumn(l, h, j);
                    for (int i = 0; i < 9; i++)
                        assertEquals(full[i][j], got[i], 1e-9 * Math.max(1, Math.abs(full[i][j])), "L" + l + "H" + h + " QK[" + i + ", " + j + "]");
                }
            }
    }

    @Test
    void severalQkColumnsAtOnceAreEachColumnAloneBitForBit() {
        TokenCircuits tc = TokenCircuits.of(W);
        int[] js = {7, 0, 3, 8};
        for (int l = 0; l < 2; l++)
            for (int h = 0; h < 3; h++) {
                double[][] together = tc.qkColumns(l, h, js);
                assertEquals(js.length, together.length);
                for (int c = 0; c < js.length; c++) assertArrayEquals(tc.qkColumns(l, h, js[c])[0], together[c], "L" + l + "H" + h + " column " + js[c]);
            }
        assertThrows(IndexOutOfBoundsException.class, () -> tc.qkColumns(0, 0, 1, 9));
    }
}

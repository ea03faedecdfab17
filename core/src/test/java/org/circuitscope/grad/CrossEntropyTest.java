package org.circuitscope.grad;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.Test;

class CrossEntropyTest {

    static Tensor randomLogits(int t, int v, double std, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] f = new float[t * v];
        for (int i = 0; i < f.length; i++) f[i] = (float) (std * r.nextGaussian());
        return Tensor.of(f, t, v);
    }

    @Test
    void nextTokenLossAndGradientMatchTheNaiveFloat64Formula() {
        int t = 7, v = 13;
        Tensor logits = randomLogits(t, v, 2.0, 1);
        int[] tokens = {4, 0, 12, 4, 7, 1, 9};
        CrossEntropy.Result r = CrossEntropy.nextToken(logits, tokens);

        double loss = 0;
        double[][] want = new double[t][v];
        for (int i = 0; i < t - 1; i++) {
            double z = 0;
            for (int j = 0; j < v; j++) z += Math.exp(logits.get(i, j));
            loss += -Math.log(Math.exp(logits.get(i, tokens[i + 1])) / z);
            for (int j = 0; j < v; j++) want[i][j] = (Math.exp(logits.get(i, j)) / z - (j == tokens[i + 1] ? 1 : 0)) / (t - 1);
        }
        loss /= t - 1;
        assertEquals(loss, r.loss(), 1e-12 * loss, "mean next-token loss");
        assertEquals(t - 1, r.count(), "the last position predicts nothing");
        for (int i = 0; i < t; i++)
            for (int j = 0; j < v; j++)
                assertEquals(want[i][j], r.dLogits().get(i, j), 1e-7, "dLogits at position " + i + ", token " + j);
    }

    @Test
    void ignoredPositionsGetNoGradientAndDoNotCount() {
        Tensor logits = randomLogits(4, 5, 1.0, 2);
        CrossEntropy.Result r = CrossEntropy.of(logits, new int[] {2, CrossEntropy.IGNORE, 0, CrossEntropy.IGNORE});
        CrossEntropy.Result only0 = CrossEntropy.of(Tensor.of(logits.slice(0).data(), 1, 5), new int[] {2});
        CrossEntropy.Result only2 = CrossEntropy.of(Tensor.of(logits.slice(2).data(), 1, 5), new int[] {0});
        assertEquals(2, r.count());
        assertEquals((only0.loss() + only2.loss()) / 2, r.loss(), 1e-12, "mean over the two counted positions");
        for (int j = 0; j < 5; j++) {
            assertEquals(0f, r.dLogits().get(1, j), "ignored position 1");
            assertEquals(0f, r.dLogits().get(3, j), "ignored position 3");
            assertEquals(only0.dLogits().get(0, j) / 2, r.dLogits().get(0, j), 1e-7, "position 0 weighs 1/2");
        }
    }

    @Test
    void hugeLogitsGiveTheSameFiniteResultAsShiftedOnes() {
        Tensor small = randomLogits(3, 6, 3.0, 3);
        float[] big = small.data().clone();
        // Shifting a row by a constant leaves softmax unchanged; exp(1e4) alone would overflow.
        for (int i = 0; i < big.length; i++) big[i] += 1e4f * (1 + i / 6);
        int[] targets = {5, 0, 3};
        CrossEntropy.Result a = CrossEntropy.of(small, targets);
        CrossEntropy.Result b = CrossEntropy.of(Tensor.of(big, 3, 6), targets);
        assertTrue(Double.isFinite(b.loss()), "loss stays finite for logits of 1e4");
        // float32 holds 1e4 + x to about 1e-3, so the two agree to that.
        assertEquals(a.loss(), b.loss(), 3e-3);
        assertArrayEquals(a.dLogits().data(), b.dLogits().data(), 3e-3f);
    }

    @Test
    void eachCountedRowOfTheGradientSumsToZero() {
        CrossEntropy.Result r = CrossEntropy.nextToken(randomLogits(5, 9, 4.0, 4), new int[] {1, 2, 3, 4, 5});
        for (int i = 0; i < 5; i++) {
            double s = 0;
            for (int j = 0; j < 9; j++) s += r.dLogits().get(i, j);
            assertEquals(0, s, 1e-7, "row " + i + ": softmax sums to 1, the one-hot subtracts 1");
        }
    }

    @Test
    void badTargetsAndShapesAreRejectedWithThePosition() {
        Tensor logits = randomLogits(3, 4, 1.0, 5);
        var e = assertThrows(IllegalArgumentException.class, () -> CrossEntropy.of(logits, new int[] {0, 4, 1}));
        assertTrue(e.getMessage().contains("position 1") && e.getMessage().contains("[0, 4)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CrossEntropy.of(logits, new int[] {0, 1}));
        assertThrows(IllegalArgumentException.class, () -> CrossEntropy.nextToken(Tensor.zeros(1, 4), new int[] {2}));
        assertThrows(IllegalArgumentException.class,
                () -> CrossEntropy.of(logits, new int[] {CrossEntropy.IGNORE, CrossEntropy.IGNORE, CrossEntropy.IGNORE}));
        float[] nan = logits.data().clone();
        nan[5] = Float.NaN;
        var n = assertThrows(IllegalArgumentException.class, () -> CrossEntropy.of(Tensor.of(nan, 3, 4), new int[] {0, 1, 2}));
        assertTrue(n.getMessage().contains("position 1"), n.getMessage());
    }
}

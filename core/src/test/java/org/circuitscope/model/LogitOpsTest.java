package org.circuitscope.model;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The row operations a hover reads, against float64 arithmetic written out here. */
class LogitOpsTest {

    @Test
    void topKOfARowIsTheLargestLogProbabilitiesWithTiesByLowerId() {
        SplittableRandom r = new SplittableRandom(3);
        for (int v : new int[] {1, 5, 37, 2048}) {
            for (int k : new int[] {1, 3, 5, 10}) {
                float[] d = new float[v + 7];
                // Few distinct values, so ties are common.
                for (int i = 0; i < d.length; i++) d[i] = (float) r.nextInt(-20, 20) / 4;
                int off = 7;
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int i = 0; i < v; i++) max = Math.max(max, d[off + i]);
                for (int i = 0; i < v; i++) sum += Math.exp(d[off + i] - max);
                double lse = max + Math.log(sum);
                assertEquals(lse, LogitOps.logSumExp(d, off, v), 1e-9, "logSumExp v=" + v);
                Integer[] order = IntStream.range(0, v).boxed().sorted(Comparator.comparingDouble((Integer i) -> -d[off + i]).thenComparing(i -> i)).toArray(Integer[]::new);
                LogitOps.Scored[] got = LogitOps.topK(d, off, v, lse, k);
                assertEquals(Math.min(k, v), got.length);
                for (int i = 0; i < got.length; i++) {
                    assertEquals(order[i], got[i].token(), "v=" + v + " k=" + k + " place " + i + " of " + Arrays.toString(got));
                    assertEquals(d[off + order[i]] - lse, got[i].score(), 1e-9);
                }
                int token = r.nextInt(v);
                int rank = 1 + (int) IntStream.range(0, v).filter(i -> d[off + i] > d[off + token] || (d[off + i] == d[off + token] && i < token)).count();
                assertEquals(rank, LogitOps.rank(d, off, v, token), "rank of " + token);
            }
        }
    }
}

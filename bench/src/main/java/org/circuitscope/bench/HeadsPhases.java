package org.circuitscope.bench;

import java.nio.file.Path;
import java.util.stream.IntStream;
import org.circuitscope.circuits.CompositionScores;
import org.circuitscope.circuits.CopyingScore;
import org.circuitscope.circuits.HeadDetectors;
import org.circuitscope.circuits.TokenCircuits;
import org.circuitscope.circuits.WorkProgress;
import org.circuitscope.io.LoadOptions;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.io.ModelDirectory;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.report.SkipTrigram;
import org.circuitscope.tensor.Kernels;

/**
 * The phases of {@code heads} (with its defaults: 10 × 50 repeated tokens, 5 skip-trigrams over
 * 1,024 tokens, composition) timed one by one, in rounds in one JVM: round 1 is what a fresh
 * {@code heads} pays (after the load and the kernels' warm-up), the later rounds the warm cost.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.circuitscope.bench.HeadsPhases MODEL_DIR [ROUNDS]</pre>
 */
public final class HeadsPhases {
    private HeadsPhases() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long t0 = System.nanoTime();
        Kernels.warmUpNow();
        try (LoadedModel m = ModelDirectory.load(dir, LoadOptions.none())) {
            System.out.printf("load %.2f s%n", (System.nanoTime() - t0) / 1e9);
            ModelConfig c = m.config();
            var w = m.transformer().weights();
            for (int r = 1; r <= rounds; r++) {
                long a = System.nanoTime();
                CopyingScore.ovAndQkEigenvalues(w, WorkProgress.NONE, WorkProgress.NONE);
                long b = System.nanoTime();
                HeadDetectors.inductionOnRepeatedTokens(m.transformer(), 0, 10, 50, 0);
                long d = System.nanoTime();
                TokenCircuits tc = TokenCircuits.of(w, IntStream.range(0, Math.min(1024, c.dVocab())).toArray());
                SkipTrigram.topOfEveryHead(tc, c, 5, String::valueOf, WorkProgress.NONE);
                long e = System.nanoTime();
                CompositionScores.all(w);
                long f = System.nanoTime();
                System.out.printf("round %d: copying %.2f s, induction %.2f s, skip-trigrams %.2f s, composition %.2f s, total %.2f s%n",
                        r, (b - a) / 1e9, (d - b) / 1e9, (e - d) / 1e9, (f - e) / 1e9, (f - a) / 1e9);
            }
        }
    }
}

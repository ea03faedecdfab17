package org.circuitscope.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.circuitscope.circuits.BigramCounts;
import org.circuitscope.circuits.DirectPathBigrams;
import org.circuitscope.grad.CrossEntropy;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.io.ModelDirectory;
import org.circuitscope.tokenizer.Tokenizer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The shipped {@code attn-only-0l} is a bigram model: it beats the unigram baseline on held-out
 * text and its direct path follows the corpus's bigram log-probabilities (figures in its card).
 */
class ZeroLayerModelTest {
    static final Path DIR = ShippedModelsTest.SAMPLES.resolve("models/attn-only-0l");
    /** The training text, present after train/prepare-corpus.sh (not in git). */
    static final Path TRAIN = ShippedModelsTest.SAMPLES.resolve("../train/corpus/train.txt").normalize();
    /** The trainer's unigram baseline on the whole held-out split (Hebrews–Revelation), in nats per token. */
    static final double UNIGRAM_BASELINE = 6.061;

    @Test
    void beatsTheUnigramBaselineOnHeldOutText() throws Exception {
        try (LoadedModel m = ModelDirectory.load(DIR)) {
            assertEquals(0, m.config().nLayers());
            Tokenizer tok = m.tokenizer().orElseThrow();
            List<int[]> ws = ShippedModelsTest.windows(tok, Files.readString(ShippedModelsTest.HELDOUT), 128, 20);
            double loss = 0;
            for (int[] w : ws) loss += CrossEntropy.nextToken(m.transformer().forward(w), w).loss() / ws.size();
            // Measured 4.279 on these 20 windows (4.203 on the trainer's held-out windows).
            System.out.printf("attn-only-0l held-out loss %.4f over %d windows%n", loss, ws.size());
            assertTrue(loss < UNIGRAM_BASELINE - 1.5, "held-out loss " + loss);
        }
    }

    /**
     * On the held-out sample (3,360 pairs) the counts themselves are noisy: over pairs seen ≥ 3
     * times the measured r is 0.607 (attn-only-1l's direct path: 0.533). 0.5 keeps a margin
     * for a retrained model while still failing a model that has not learned the bigrams.
     */
    @Test
    void directPathFollowsTheHeldOutSamplesBigrams() throws Exception {
        assertTrue(correlation(ShippedModelsTest.HELDOUT, 3) > 0.5);
    }

    /**
     * Against the training text's bigrams (1.1 M pairs, 30,122 seen ≥ 5 times) the measured r is
     * 0.971; attn-only-1l's direct path reaches 0.721 and attn-only-2l's 0.438. 0.95 asserts the
     * model is close to the corpus's bigram table, not merely correlated with it.
     */
    @Test
    void directPathFollowsTheTrainingTextsBigrams() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(TRAIN), "run train/prepare-corpus.sh for the training text");
        assertTrue(correlation(TRAIN, 5) > 0.95);
    }

    static double correlation(Path text, int minCount) throws Exception {
        try (LoadedModel m = ModelDirectory.load(DIR)) {
            int[] ids = m.tokenizer().orElseThrow().encode(Files.readString(text)).ids();
            var r = DirectPathBigrams.compute(m.transformer().weights(), new BigramCounts(ids, m.config().dVocab()),
                    DirectPathBigrams.defaultPosition(m.config()), minCount, 0);
            System.out.printf("attn-only-0l bigrams of %s, ≥ %d: r = %.4f over %d pairs%n", text.getFileName(), minCount, r.correlation(), r.pairs());
            return r.correlation();
        }
    }
}

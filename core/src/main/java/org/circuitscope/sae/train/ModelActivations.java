package org.circuitscope.sae.train;

import java.util.List;
import java.util.SplittableRandom;
import org.circuitscope.model.RunOptions;
import org.circuitscope.model.Transformer;
import org.circuitscope.tensor.Tensor;
import org.circuitscope.train.Batches;

/**
 * Activations at one hook point, streamed from the forward pass: each batch is {@code windows}
 * random windows of the tokenized corpus (BOS + seqLen − 1 tokens), run with only that hook
 * recorded. The BOS position is left out: its activation is the attention sink's, far from
 * every text position's, and would dominate the reconstruction loss.
 */
public final class ModelActivations implements ActivationSource {
    private final Transformer model;
    private final Batches windows;
    private final String hook;
    private final int seqLen, perBatch, dIn;

    public ModelActivations(Transformer model, int[] corpus, int bos, String hook, int dIn, int seqLen, int windowsPerBatch) {
        this.model = model;
        this.windows = new Batches(corpus, bos, new int[] {bos}, null);
        this.hook = hook;
        this.seqLen = seqLen;
        this.perBatch = windowsPerBatch;
        this.dIn = dIn;
    }

    public int tokensPerBatch() { return perBatch * (seqLen - 1); }

    @Override
    public Batch batch(long seed, int step) {
        SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
        int rows = seqLen - 1;
        float[] x = new float[perBatch * rows * dIn];
        for (int w = 0; w < perBatch; w++) {
            int[] ids = windows.naturalWindow(rnd, seqLen);
            Tensor act = model.run(ids, RunOptions.names(List.of(hook))).get(hook);
            System.arraycopy(act.data(), dIn, x, w * rows * dIn, rows * dIn);
        }
        return new Batch(x, perBatch * rows);
    }
}

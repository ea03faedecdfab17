package org.circuitscope.train;

import java.util.SplittableRandom;

/**
 * Training windows: BOS + a span of the tokenized corpus, or (the curriculum's synthetic
 * part) BOS + a random block of ids repeated until the window is full, the data on which
 * induction heads are the cheapest way to lower the loss. Every window starts with BOS because
 * prompts do (the model learns BOS as the place to park attention).
 */
public final class Batches {
    private final int[] corpus;
    private final int bos;
    private final int[] syntheticIds;
    private final TrainConfig.Synthetic synth;

    /**
     * @param corpus       the tokenized training text
     * @param syntheticIds ids to draw synthetic blocks from
     */
    public Batches(int[] corpus, int bos, int[] syntheticIds, TrainConfig.Synthetic synth) {
        this.corpus = corpus;
        this.bos = bos;
        this.syntheticIds = syntheticIds;
        this.synth = synth;
    }

    public int[] naturalWindow(SplittableRandom rnd, int len) {
        if (corpus.length < len) throw new IllegalArgumentException("the corpus (" + corpus.length + " tokens) is shorter than a window of " + len);
        int start = rnd.nextInt(corpus.length - len + 2);
        return naturalWindowAt(start, len);
    }

    /** BOS + corpus[start, start + len − 1). */
    public int[] naturalWindowAt(int start, int len) {
        int[] w = new int[len];
        w[0] = bos;
        System.arraycopy(corpus, start, w, 1, len - 1);
        return w;
    }

    public int[] syntheticWindow(SplittableRandom rnd, int len) {
        int block = synth.minBlock + rnd.nextInt(synth.maxBlock - synth.minBlock + 1);
        int[] ids = new int[block];
        for (int i = 0; i < block; i++) ids[i] = syntheticIds[rnd.nextInt(syntheticIds.length)];
        int[] w = new int[len];
        w[0] = bos;
        for (int i = 1; i < len; i++) w[i] = ids[(i - 1) % block];
        return w;
    }

    public int corpusLength() { return corpus.length; }
}

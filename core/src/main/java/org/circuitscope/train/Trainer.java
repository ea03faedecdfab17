package org.circuitscope.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.circuitscope.circuits.HeadDetectors;
import org.circuitscope.grad.Backward;
import org.circuitscope.grad.CrossEntropy;
import org.circuitscope.grad.GradientBuffer;
import org.circuitscope.io.ModelDirectory;
import org.circuitscope.model.ActFn;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.model.RunOptions;
import org.circuitscope.model.Transformer;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Tensor;
import org.circuitscope.tensor.WorkerPool;
import org.circuitscope.tokenizer.Tokenizer;

/**
 * The training loop: batches of windows (natural and synthetic per the curriculum), forward
 * with cache, cross-entropy, backward, gradient clipping, AdamW with warm-up + cosine schedule;
 * held-out loss and head scores every {@code eval_every} steps; checkpoints that a restart
 * resumes from exactly (each step's batch is drawn from a generator seeded by (seed, step)).
 *
 * <p>Sequences of a batch run in parallel on the worker pool, one per thread (the kernels then
 * run inline): small models gain more from that than from splitting each product.
 */
public final class Trainer {
    private final TrainConfig cfg;
    private final Path out;
    private final PrintStream log;
    private final int pauseAt;

    public Trainer(TrainConfig cfg, Path out, PrintStream log) { this(cfg, out, log, cfg.steps); }

    /** A trainer that checkpoints and returns at step {@code pauseAt} (a later run resumes from there). */
    public Trainer(TrainConfig cfg, Path out, PrintStream log, int pauseAt) {
        this.cfg = cfg;
        this.out = out;
        this.log = log;
        this.pauseAt = Math.min(pauseAt, cfg.steps);
    }

    /** What one evaluation measured. */
    public record Eval(int step, double trainLoss, double heldoutLoss, double[][] prevToken, double[][] induction, double tokensPerSecond) {}

    public Weights run(Path configDir) throws IOException {
        Path tokPath = configDir.resolve(cfg.tokenizer);
        int[] train, heldout;
        int bos;
        try (Tokenizer tok = Tokenizer.load(tokPath)) {
            bos = tok.bosId().orElseThrow(() -> new IOException(tokPath + ": no <|endoftext|> token to use as BOS"));
            train = tok.encode(Files.readString(configDir.resolve(cfg.trainText))).ids();
            heldout = cfg.heldoutText == null ? new int[0] : tok.encode(Files.readString(configDir.resolve(cfg.heldoutText))).ids();
            ModelConfig mc = modelConfig(tok.vocabSize());
            log.printf("corpus: %,d training tokens, %,d held-out tokens; unigram baseline on held-out: %.3f nats/token%n",
                    train.length, heldout.length, unigramLoss(train, heldout, tok.vocabSize()));
            Files.createDirectories(out);
            Files.copy(tokPath, out.resolve(ModelDirectory.TOKENIZER), StandardCopyOption.REPLACE_EXISTING);
            return loop(mc, train, heldout, bos);
        }
    }

    ModelConfig modelConfig(int vocab) {
        TrainConfig.ModelShape s = cfg.model;
        String name = s.modelName != null ? s.modelName : out.toAbsolutePath().normalize().getFileName().toString();
        return new ModelConfig(name, s.nLayers, s.dModel, s.nHeads, s.dHead, s.attnOnly ? 0 : s.dMlp, vocab, s.nCtx,
                ActFn.parse(s.actFn), Normalization.parse(s.normalizationType), s.attnOnly, 1e-5, true);
    }

    /** Seeded random weights; with {@code zero_mlp_out} the MLPs' W_out and b_out start at zero. */
    Weights initial(ModelConfig mc) {
        Weights w = RandomWeights.generate(mc, cfg.seed, cfg.initStd);
        if (!cfg.zeroMlpOut || mc.attnOnly()) return w;
        Map<String, Tensor> zero = new java.util.LinkedHashMap<>();
        for (int l = 0; l < mc.nLayers(); l++) {
            zero.put(org.circuitscope.model.WeightNames.mlp(l, "W_out"), Tensor.zeros(mc.dMlp(), mc.dModel()));
            zero.put(org.circuitscope.model.WeightNames.mlp(l, "b_out"), Tensor.zeros(mc.dModel()));
        }
        return w.with(mc, zero);
    }

    private Weights loop(ModelConfig mc, int[] train, int[] heldout, int bos) throws IOException {
        Weights weights = initial(mc);
        AdamW adam = new AdamW(cfg.beta1, cfg.beta2, 1e-8, cfg.weightDecay);
        int start = 0;
        Checkpoint ck = Checkpoint.load(out);
        if (ck != null) {
            weights = Weights.of(mc, ck.params(), out.resolve(Checkpoint.FILE).toString());
            adam.restore(ck.optimizer(), ck.step());
            start = ck.step();
            log.printf("resuming from step %d (%s)%n", start, out.resolve(Checkpoint.FILE));
        }
        Map<String, Tensor> params = weights.asMap();
        Transformer model = new Transformer(weights);
        Backward backward = new Backward(weights);
        Batches batches = new Batches(train, bos, syntheticIds(train, mc.dVocab(), bos), cfg.synthetic);
        Batches held = heldout.length > cfg.seqLen ? new Batches(heldout, bos, new int[] {0}, cfg.synthetic) : null;
        Progress progress = new Progress(log, cfg.steps, start);
        GradientBuffer[] buffers = new GradientBuffer[Math.min(cfg.batchSize, WorkerPool.threads())];
        for (int w = 0; w < buffers.length; w++) buffers[w] = GradientBuffer.zeros(mc);
        RunOptions forwardOptions = Backward.cacheOptions(mc);
        Path logFile = out.resolve("train_log.jsonl");

        long tokensSince = 0, timeSince = System.nanoTime();
        double lossSum = 0;
        int lossCount = 0;
        for (int step = start; step < pauseAt; step++) {
            SplittableRandom rnd = new SplittableRandom(cfg.seed * 0x9E3779B97F4A7C15L + step);
            double synthFrac = cfg.syntheticFraction(step);
            int[][] windows = new int[cfg.batchSize][];
            for (int b = 0; b < cfg.batchSize; b++) {
                windows[b] = rnd.nextDouble() < synthFrac ? batches.syntheticWindow(rnd, cfg.seqLen) : batches.naturalWindow(rnd, cfg.seqLen);
            }
            double[] losses = new double[cfg.batchSize];
            // One gradient buffer per worker, each summing a contiguous share of the batch.
            WorkerPool.parallelFor(buffers.length, w -> {
                buffers[w].zero();
                for (int b = w; b < cfg.batchSize; b += buffers.length) {
                    ActivationCache cache = model.run(windows[b], forwardOptions);
                    CrossEntropy.Result ce = CrossEntropy.nextToken(cache.logits(), windows[b]);
                    losses[b] = ce.loss();
                    backward.accumulate(windows[b], cache, ce.dLogits(), buffers[w]);
                }
            });
            for (int w = 1; w < buffers.length; w++) buffers[0].add(buffers[w]);
            buffers[0].scale(1f / cfg.batchSize);
            buffers[0].clipGlobalNorm(cfg.gradClip);
            Map<String, Tensor> g = buffers[0].asMap();
            adam.step(params, g, cfg.learningRate(step));
            for (double l : losses) lossSum += l;
            lossCount += losses.length;
            tokensSince += (long) cfg.batchSize * cfg.seqLen;

            boolean last = step + 1 == pauseAt;
            if ((step + 1) % cfg.evalEvery == 0 || last) {
                double secs = (System.nanoTime() - timeSince) / 1e9;
                Eval e = evaluate(step + 1, model, held, bos, lossSum / lossCount, tokensSince / secs);
                progress.eval(e);
                Files.writeString(logFile, TrainConfig.GSON.toJson(e).replace("\n", "").replaceAll(" +", " ") + "\n",
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                lossSum = 0;
                lossCount = 0;
                tokensSince = 0;
                timeSince = System.nanoTime();
            }
            progress.step(step + 1, losses, synthFrac);
            if ((step + 1) % cfg.checkpointEvery == 0 || last) {
                new Checkpoint(step + 1, params, adam.state(params)).save(out);
            }
        }
        progress.done();
        if (pauseAt < cfg.steps) {
            log.printf("paused at step %d of %d; run again to resume%n", pauseAt, cfg.steps);
            return weights;
        }
        ModelDirectory.save(out, weights, "F32");
        return weights;
    }

    private Eval evaluate(int step, Transformer model, Batches held, int bos, double trainLoss, double tokPerSec) {
        ModelConfig mc = model.config();
        double heldLoss = Double.NaN;
        double[][] prev = new double[mc.nLayers()][mc.nHeads()];
        if (held != null) {
            int n = cfg.evalWindows, span = held.corpusLength() - cfg.seqLen;
            double[] losses = new double[n];
            double[][][] prevs = new double[n][][];
            WorkerPool.parallelFor(n, i -> {
                int[] w = held.naturalWindowAt((int) ((long) span * i / n), cfg.seqLen);
                ActivationCache c = model.run(w, RunOptions.matching("blocks\\.\\d+\\.attn\\.hook_pattern"));
                losses[i] = CrossEntropy.nextToken(c.logits(), w).loss();
                prevs[i] = HeadDetectors.score(mc, c, HeadDetectors.Detector.PREVIOUS_TOKEN);
            });
            heldLoss = 0;
            for (int i = 0; i < n; i++) {
                heldLoss += losses[i] / n;
                for (int l = 0; l < mc.nLayers(); l++) for (int h = 0; h < mc.nHeads(); h++) prev[l][h] += prevs[i][l][h] / n;
            }
        }
        double[][] ind = HeadDetectors.inductionOnRepeatedTokens(model, bos, 10, Math.min(50, (mc.nCtx() - 1) / 2), 1234);
        return new Eval(step, trainLoss, heldLoss, prev, ind, tokPerSec);
    }

    /**
     * Cross-entropy of the held-out tokens under the training text's unigram distribution
     * (add-one smoothed): the loss a model that ignores context would reach.
     */
    public static double unigramLoss(int[] train, int[] heldout, int vocab) {
        double[] counts = new double[vocab];
        for (int t : train) counts[t]++;
        double total = train.length + vocab, loss = 0;
        for (int t : heldout) loss -= Math.log((counts[t] + 1) / total);
        return heldout.length == 0 ? Double.NaN : loss / heldout.length;
    }

    /** Ids for synthetic blocks: the most frequent {@code vocab_from_top} tokens of the corpus, or every id but BOS. */
    private int[] syntheticIds(int[] corpus, int vocab, int bos) {
        int top = cfg.synthetic.vocabFromTop;
        List<Integer> ids = new ArrayList<>();
        if (top <= 0) {
            for (int i = 0; i < vocab; i++) if (i != bos) ids.add(i);
        } else {
            long[] counts = new long[vocab];
            for (int t : corpus) counts[t]++;
            Integer[] order = new Integer[vocab];
            for (int i = 0; i < vocab; i++) order[i] = i;
            java.util.Arrays.sort(order, (a, b) -> Long.compare(counts[b], counts[a]));
            for (int i = 0; i < vocab && ids.size() < top; i++) if (order[i] != bos) ids.add(order[i]);
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }
}

package org.circuitscope.train;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A training run, read from JSON with snake_case keys. Paths are relative to the config file.
 *
 * <pre>{@code
 * { "model": {"n_layers": 2, "d_model": 128, "n_heads": 4, "d_head": 32, "n_ctx": 256,
 *             "attn_only": true, "normalization_type": "LN"},
 *   "tokenizer": "tokenizer.json", "train_text": "corpus/train.txt", "heldout_text": "corpus/heldout.txt",
 *   "steps": 4000, "batch_size": 32, "seq_len": 128, "lr": 1e-3, "warmup_steps": 100,
 *   "weight_decay": 0.05, "beta1": 0.9, "beta2": 0.99, "grad_clip": 1.0, "seed": 1,
 *   "eval_every": 200, "eval_windows": 64, "checkpoint_every": 200,
 *   "phases": [{"until_step": 600, "synthetic_fraction": 1.0}, {"until_step": 4000, "synthetic_fraction": 0.25}],
 *   "synthetic": {"min_block": 10, "max_block": 60, "vocab_from_top": 0} }
 * }</pre>
 */
public final class TrainConfig {
    public ModelShape model;
    public String tokenizer;
    public String trainText;
    public String heldoutText;
    public int steps = 1000;
    public int batchSize = 16;
    public int seqLen = 128;
    public double lr = 1e-3;
    public double minLrFraction = 0.1;
    public int warmupSteps = 100;
    public double weightDecay = 0.05;
    public double beta1 = 0.9;
    public double beta2 = 0.99;
    public double gradClip = 1.0;
    public long seed = 1;
    public int evalEvery = 200;
    public int evalWindows = 32;
    public int checkpointEvery = 200;
    public double initStd = 0.02;
    /**
     * Start every MLP's W_out and b_out at zero, so the model begins as its attention-only twin
     * (whose curriculum forms induction heads) and the MLPs grow in from there.
     */
    public boolean zeroMlpOut = false;
    public List<Phase> phases = List.of();
    public Synthetic synthetic = new Synthetic();

    /** The model to train, in TransformerLens config fields. */
    public static final class ModelShape {
        public int nLayers = 2, dModel = 128, nHeads = 4, dHead = 32, dMlp = 0, nCtx = 256;
        public boolean attnOnly = true;
        public String normalizationType = "LN";
        public String actFn = "gelu_new";
        public String modelName;
    }

    /** Until {@code untilStep} (exclusive), this fraction of the windows is synthetic repeated random tokens. */
    public static final class Phase {
        public int untilStep;
        public double syntheticFraction;
    }

    /** BOS + random blocks repeated; ids from the {@code vocabFromTop} most frequent tokens (0 = all). */
    public static final class Synthetic {
        public int minBlock = 10, maxBlock = 60, vocabFromTop = 0;
    }

    static final Gson GSON = new GsonBuilder().setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
            .setPrettyPrinting().create();

    public static TrainConfig read(Path file) throws IOException {
        try {
            TrainConfig c = GSON.fromJson(Files.readString(file), TrainConfig.class);
            if (c == null || c.model == null) throw new IOException(file + ": needs a \"model\" object");
            if (c.trainText == null || c.tokenizer == null) throw new IOException(file + ": needs \"tokenizer\" and \"train_text\"");
            if (c.seqLen + 1 > c.model.nCtx) throw new IOException(file + ": seq_len " + c.seqLen + " + 1 exceeds n_ctx " + c.model.nCtx);
            if (c.steps <= 0 || c.batchSize <= 0) throw new IOException(file + ": steps and batch_size must be positive");
            return c;
        } catch (JsonParseException e) {
            throw new IOException(file + ": not a valid training config (" + e.getMessage() + ")");
        }
    }

    public String toJson() { return GSON.toJson(this); }

    /** Fraction of synthetic windows at {@code step}. */
    public double syntheticFraction(int step) {
        for (Phase p : phases) if (step < p.untilStep) return p.syntheticFraction;
        return 0;
    }

    /** Linear warm-up to lr, then cosine decay to lr·minLrFraction at the last step. */
    public double learningRate(int step) {
        if (step < warmupSteps) return lr * (step + 1) / warmupSteps;
        double progress = (double) (step - warmupSteps) / Math.max(1, steps - warmupSteps);
        double cos = 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
        return lr * (minLrFraction + (1 - minLrFraction) * cos);
    }
}

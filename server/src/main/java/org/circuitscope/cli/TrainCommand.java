package org.circuitscope.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.circuitscope.train.TrainConfig;
import org.circuitscope.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Trains a model from a JSON config; resumes from OUT/checkpoint.safetensors when present. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a model (config: model shape, data, steps, batch, lr, seed); resumes from the checkpoint in --out.")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE.json") Path config;
    @Option(names = "--out", required = true, paramLabel = "DIR") Path out;
    @Option(names = "--steps", paramLabel = "N", description = "Override the config's total steps (e.g. to extend a finished run).") Integer steps;
    @Option(names = "--pause-at", paramLabel = "STEP", description = "Checkpoint and stop at this step; run again to resume.") Integer pauseAt;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        TrainConfig cfg = TrainConfig.read(config);
        if (steps != null) cfg.steps = steps;
        Path dir = config.toAbsolutePath().getParent();
        new Trainer(cfg, out, System.out, pauseAt == null ? cfg.steps : pauseAt).run(dir);
        if (pauseAt == null || pauseAt >= cfg.steps) spec.commandLine().getOut().printf("wrote %s (config.json, model.safetensors, tokenizer.json, train_log.jsonl)%n", out);
        return 0;
    }
}

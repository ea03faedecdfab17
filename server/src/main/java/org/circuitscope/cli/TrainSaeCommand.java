package org.circuitscope.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.sae.HookWidths;
import org.circuitscope.sae.Sae;
import org.circuitscope.sae.SaeConfig;
import org.circuitscope.sae.train.ModelActivations;
import org.circuitscope.sae.train.SaeCard;
import org.circuitscope.sae.train.SaeEvaluation;
import org.circuitscope.sae.train.SaeMetrics;
import org.circuitscope.sae.train.SaeParams;
import org.circuitscope.sae.train.SaeTrainOptions;
import org.circuitscope.sae.train.SaeTrainer;
import org.circuitscope.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Trains a ReLU or TopK SAE on a hook point of a model over text files, with activations
 * streamed from the forward pass; writes the SAE in SAELens 6's layout with its card.
 */
@Command(name = "train-sae", mixinStandardHelpOptions = true,
        description = "Train a sparse autoencoder on a hook point (activations streamed from the model over CORPUS); resumes from the checkpoint in --out.")
final class TrainSaeCommand implements Callable<Integer> {
    @Mixin ModelOptions model;
    @Option(names = "--hook", required = true, paramLabel = "HOOK", description = "Hook point, e.g. blocks.0.hook_resid_post or blocks.1.mlp.hook_post.") String hook;
    @Option(names = "--arch", defaultValue = "topk", paramLabel = "relu|topk", description = "relu (L1 penalty) or topk (default ${DEFAULT-VALUE}).") String arch;
    @Option(names = "--k", defaultValue = "32", description = "Active features per token for topk (default ${DEFAULT-VALUE}).") int k;
    @Option(names = "--d-sae", defaultValue = "1024", paramLabel = "N", description = "Number of features (default ${DEFAULT-VALUE}).") int dSae;
    @Option(names = "--l1", defaultValue = "5", paramLabel = "C", description = "L1 coefficient for relu (default ${DEFAULT-VALUE}), on activations scaled so that E‖x‖² = d_in; ignored for topk.") double l1;
    @Option(names = "--lr", defaultValue = "1e-3", description = "Peak learning rate (default ${DEFAULT-VALUE}).") double lr;
    @Option(names = "--tokens", defaultValue = "2000000", paramLabel = "N", description = "Training activations (tokens) to stream (default ${DEFAULT-VALUE}).") long tokens;
    @Option(names = "--windows-per-batch", defaultValue = "8", description = "Windows per step (default ${DEFAULT-VALUE}).") int windowsPerBatch;
    @Option(names = "--seq-len", defaultValue = "128", description = "Window length with BOS (default ${DEFAULT-VALUE}).") int seqLen;
    @Option(names = "--seed", defaultValue = "1") long seed;
    @Option(names = "--resample-every", defaultValue = "500", description = "Steps between dead-feature resamplings (default ${DEFAULT-VALUE}; 0: never).") int resampleEvery;
    @Option(names = "--dead-after", defaultValue = "250", description = "Steps without firing after which a feature is resampled (default ${DEFAULT-VALUE}).") int deadAfter;
    @Option(names = "--checkpoint-every", defaultValue = "200") int checkpointEvery;
    @Option(names = "--eval", paramLabel = "FILE", description = "Held-out text to measure the SAE on (repeatable). Default: the last 5%% of the corpus, not trained on.") List<Path> eval;
    @Option(names = "--eval-windows", defaultValue = "400", description = "At most this many windows of each evaluation text (default ${DEFAULT-VALUE}).") int evalWindows;
    @Option(names = "--out", paramLabel = "DIR", description = "SAE folder; its name is the SAE's name (default: <model>-<hook>).") Path out;
    @Parameters(arity = "1..*", paramLabel = "CORPUS", description = "UTF-8 training text files.") List<Path> corpus;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        var pw = spec.commandLine().getOut();
        SaeConfig.Architecture a = switch (arch) {
            case "relu", "standard" -> SaeConfig.Architecture.RELU;
            case "topk" -> SaeConfig.Architecture.TOPK;
            default -> throw new IllegalArgumentException("--arch must be relu or topk, got '" + arch + "'");
        };
        try (LoadedModel m = model.load()) {
            OptionalInt width = HookWidths.of(m.config(), hook);
            if (width.isEmpty()) {
                throw new IllegalArgumentException("'" + hook + "' is not a hook point of " + m.name()
                        + " that an SAE can read (residual stream, block outputs, MLP activations, hook_z)");
            }
            if (seqLen < 2 || seqLen > m.config().nCtx()) throw new IllegalArgumentException("--seq-len must be in 2.." + m.config().nCtx());
            if (windowsPerBatch < 1) throw new IllegalArgumentException("--windows-per-batch must be at least 1");
            Tokenizer tok = m.tokenizer().orElseThrow(() -> new IllegalArgumentException(m.dir() + " has no tokenizer.json to read the corpus with"));
            int bos = tok.bosId().orElseThrow(() -> new IllegalArgumentException("the tokenizer has no <|endoftext|> token to start windows with"));
            StringBuilder text = new StringBuilder();
            for (Path p : corpus) text.append(InputOptions.readText(p)).append('\n');
            int[] ids = tok.encode(text.toString()).ids();
            List<Held> held = new ArrayList<>();
            if (eval == null || eval.isEmpty()) {
                int cut = (int) (ids.length * 0.95);
                held.add(new Held("last 5% of the corpus", Arrays.copyOfRange(ids, cut, ids.length)));
                ids = Arrays.copyOf(ids, cut);
            } else {
                for (Path p : eval) held.add(new Held(p.toString(), tok.encode(InputOptions.readText(p)).ids()));
            }
            Path dir = out != null ? out : Path.of(m.name() + "-" + hook);
            String name = dir.toAbsolutePath().normalize().getFileName().toString();
            SaeConfig cfg = new SaeConfig(name, a, width.getAsInt(), dSae, hook, a == SaeConfig.Architecture.TOPK ? k : 0, true, "none");
            ModelActivations source = new ModelActivations(m.transformer(), ids, bos, hook, cfg.dIn(), seqLen, windowsPerBatch);
            int steps = (int) Math.max(1, (tokens + source.tokensPerBatch() - 1) / source.tokensPerBatch());
            SaeTrainOptions opt = new SaeTrainOptions(a, dSae, k, l1, lr, steps, seed, resampleEvery, deadAfter, Math.max(1, checkpointEvery));
            Files.createDirectories(dir);
            pw.printf("training %s: %s on %s of %s, %,d steps × %,d tokens%n", name, a.label(), hook, m.name(), steps, source.tokensPerBatch());
            pw.flush();
            SaeTrainer trainer = new SaeTrainer(cfg, opt, source, dir, System.out);
            SaeParams p = trainer.run();
            Sae sae = p.toSae();
            Sae.save(sae, dir);
            List<SaeMetrics> metrics = new ArrayList<>();
            for (Held h : held) {
                SaeMetrics s = SaeEvaluation.evaluate(m.transformer(), sae, h.name, h.ids, bos, seqLen, evalWindows);
                metrics.add(s);
                pw.printf("%s: L0 %.1f, variance explained %.3f, CE clean %.3f spliced %.3f zero %.3f, loss recovered %.3f, dead %d/%d%n",
                        s.text(), s.l0(), s.varianceExplained(), s.ceClean(), s.ceSpliced(), s.ceZeroAblated(), s.ceLossRecovered(), s.deadFeatures(), dSae);
            }
            long wall = (System.nanoTime() - t0) / 1_000_000_000L;
            SaeCard.write(dir, cfg, new SaeCard.Training(m.name(), corpus.stream().map(Path::toString).toList(), opt, source.tokensPerBatch(), wall,
                    "./circuitscope train-sae " + String.join(" ", args())), metrics);
            trainer.dropCheckpoint();
            pw.printf("wrote %s (cfg.json, %s, %s, %s)%n", dir, Sae.WEIGHTS, SaeCard.CARD, SaeCard.METRICS);
        }
        return 0;
    }

    /** The arguments after the subcommand's name, for the card's "Reproduce" line. */
    private List<String> args() {
        List<String> a = spec.commandLine().getParseResult().originalArgs();
        int i = a.indexOf(spec.name());
        return i >= 0 ? a.subList(i + 1, a.size()) : a;
    }

    private record Held(String name, int[] ids) {}
}

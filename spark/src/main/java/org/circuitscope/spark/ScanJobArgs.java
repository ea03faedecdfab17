package org.circuitscope.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.scan.ScanSpec;

/**
 * The job's command line, as {@code circuitscope scan} takes it:
 * {@code --model DIR --out DIR [--context N] [--stride S] [--top-k K] [--no-bos] [--partitions P] [--parquet] INPUT...}.
 *
 * @param model      the model directory, at a path every worker can read, or the name of a
 *                   directory shipped with {@code --archives} (see {@link ModelLocation})
 * @param contextOrZero, strideOrZero 0: the defaults ({@code n_ctx}; windows that do not overlap)
 * @param topK       contexts kept per head and neuron
 * @param noBos      windows without a BOS token in front
 * @param partitions Spark partitions of the documents; 0: four per core Spark reports
 * @param parquet    also write {@code documents.parquet} (one row per document)
 * @param inputs     corpus files or directories, read on the driver ({@code Corpus.read})
 */
public record ScanJobArgs(String model, Path out, int contextOrZero, int strideOrZero, int topK, boolean noBos,
                          int partitions, boolean parquet, List<Path> inputs) {
    static final String USAGE = "usage: ScanJob --model DIR --out DIR [--context N] [--stride S] [--top-k K] [--no-bos]"
            + " [--partitions P] [--parquet] INPUT...";

    public ScanJobArgs {
        inputs = List.copyOf(inputs);
    }

    /** Parses the arguments; a bad one is an {@link IllegalArgumentException} that says which and shows the usage. */
    public static ScanJobArgs parse(String... args) {
        String model = null, out = null;
        int context = 0, stride = 0, topK = 20, partitions = 0;
        boolean noBos = false, parquet = false;
        List<Path> inputs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--model" -> model = value(args, ++i, a);
                case "--out" -> out = value(args, ++i, a);
                case "--context" -> context = positive(args, ++i, a);
                case "--stride" -> stride = positive(args, ++i, a);
                case "--top-k" -> topK = number(args, ++i, a, 0);
                case "--partitions" -> partitions = positive(args, ++i, a);
                case "--no-bos" -> noBos = true;
                case "--parquet" -> parquet = true;
                default -> {
                    if (a.startsWith("--")) throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
                    inputs.add(Path.of(a));
                }
            }
        }
        if (model == null) throw new IllegalArgumentException("--model is required\n" + USAGE);
        if (out == null) throw new IllegalArgumentException("--out is required\n" + USAGE);
        if (inputs.isEmpty()) throw new IllegalArgumentException("no corpus input given\n" + USAGE);
        return new ScanJobArgs(model, Path.of(out), context, stride, topK, noBos, partitions, parquet, inputs);
    }

    /** The scan spec for this model: the defaults filled in from its config, then checked against it. */
    public ScanSpec spec(ModelConfig cfg) {
        boolean bos = !noBos; // as circuitscope scan: BOS unless --no-bos
        int context = contextOrZero > 0 ? contextOrZero : cfg.nCtx();
        ScanSpec defaults = ScanSpec.of(context, bos);
        int stride = strideOrZero > 0 ? strideOrZero : defaults.stride();
        ScanSpec spec = new ScanSpec(context, stride, topK, bos, defaults.contextLeft(), defaults.contextRight());
        spec.check(cfg);
        return spec;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
        return args[i];
    }

    private static int positive(String[] args, int i, String option) { return number(args, i, option, 1); }

    private static int number(String[] args, int i, String option, int min) {
        String v = value(args, i, option);
        try {
            int n = Integer.parseInt(v);
            if (n >= min) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " takes a whole number ≥ " + min + ", got '" + v + "'");
    }
}

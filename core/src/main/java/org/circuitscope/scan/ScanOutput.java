package org.circuitscope.scan;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.ModelConfig;

/**
 * A scan's output directory: {@code summary.json} and three JSONL files (schema in the README's
 * "Corpus scans"), field names in snake_case. Every file is written to a temporary name and
 * renamed, {@code summary.json} last, so a directory with a summary is complete.
 */
public final class ScanOutput {
    public static final String FORMAT = "circuitscope-scan/1";
    public static final String SUMMARY = "summary.json", DOCUMENTS = "documents.jsonl",
            HEAD_EXAMPLES = "head_examples.jsonl", NEURON_EXAMPLES = "neuron_examples.jsonl";
    static final Gson LINE = new GsonBuilder().setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
            .serializeSpecialFloatingPointValues().disableHtmlEscaping().create();
    private static final Gson PRETTY = LINE.newBuilder().setPrettyPrinting().create();

    private ScanOutput() {}

    /** The result {@code total} stands for, as {@link #read} gives it back. */
    public static ScanResult result(ScanPartial total, ScanSpec spec, ModelConfig cfg) {
        List<ScanResult.HeadStats> heads = new ArrayList<>();
        List<ScanResult.UnitExamples> headEx = new ArrayList<>(), neuronEx = new ArrayList<>();
        for (int l = 0; l < cfg.nLayers(); l++) {
            for (int h = 0; h < cfg.nHeads(); h++) {
                heads.add(new ScanResult.HeadStats(l, h, ModelConfig.headLabel(l, h), total.previousToken(l, h), total.duplicateToken(l, h),
                        total.induction(l, h), total.attentionEntropy(l, h), total.directLogitAttribution(l, h)));
                headEx.add(new ScanResult.UnitExamples(l, h, ModelConfig.headLabel(l, h), HookPoint.attn(l, "result"), total.headExamples(l, h)));
            }
            for (int k = 0; k < total.dMlp(); k++) {
                neuronEx.add(new ScanResult.UnitExamples(l, k, "L" + l + "N" + k, HookPoint.mlp(l, "post"), total.neuronExamples(l, k)));
            }
        }
        List<DocumentRow> docs = total.documents();
        long tokens = 0;
        for (DocumentRow r : docs) tokens += r.tokens();
        int neurons = cfg.nLayers() * total.dMlp();
        var model = new ScanResult.Model(cfg.modelName(), cfg.nLayers(), cfg.nHeads(), cfg.dModel(), total.dMlp(), cfg.dVocab(), cfg.nCtx(), cfg.attnOnly());
        var summary = new ScanResult.Summary(FORMAT, model, spec, docs.size(), tokens, total.predicted(), total.windows(),
                total.lossSum() / total.predicted(), neurons, cfg.attnOnly() ? "attention-only model: no MLP neurons" : null, heads);
        return new ScanResult(summary, docs, headEx, neuronEx);
    }

    public static void write(ScanPartial total, ScanSpec spec, ModelConfig cfg, Path dir) throws IOException {
        ScanResult r = result(total, spec, cfg);
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve(SUMMARY));
        writeLines(dir.resolve(DOCUMENTS), r.documents());
        writeLines(dir.resolve(HEAD_EXAMPLES), r.headExamples());
        if (cfg.attnOnly()) Files.deleteIfExists(dir.resolve(NEURON_EXAMPLES));
        else writeLines(dir.resolve(NEURON_EXAMPLES), r.neuronExamples());
        writeAtomically(dir.resolve(SUMMARY), PRETTY.toJson(r.summary()) + "\n");
    }

    public static ScanResult read(Path dir) throws IOException {
        Path s = dir.resolve(SUMMARY);
        if (!Files.isRegularFile(s)) throw new IllegalArgumentException(dir + ": no " + SUMMARY + " (not a finished scan directory)");
        ScanResult.Summary summary = parse(s, Files.readString(s), ScanResult.Summary.class);
        if (summary == null || !FORMAT.equals(summary.format())) {
            throw new IllegalArgumentException(s + ": not a scan summary of format " + FORMAT);
        }
        List<ScanResult.UnitExamples> neurons = summary.neurons() == 0 ? List.of() : readLines(dir.resolve(NEURON_EXAMPLES), ScanResult.UnitExamples.class);
        return new ScanResult(summary, readLines(dir.resolve(DOCUMENTS), DocumentRow.class),
                readLines(dir.resolve(HEAD_EXAMPLES), ScanResult.UnitExamples.class), neurons);
    }

    private static void writeLines(Path file, List<?> rows) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            for (Object row : rows) {
                w.write(LINE.toJson(row));
                w.write('\n');
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Writes {@code text} to a temporary sibling and renames it over {@code file}. */
    static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static <T> List<T> readLines(Path file, Class<T> type) throws IOException {
        List<T> out = new ArrayList<>();
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            int[] no = {0};
            lines.forEach(line -> {
                no[0]++;
                if (!line.isBlank()) out.add(parse(file.resolveSibling(file.getFileName() + ":" + no[0]), line, type));
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return out;
    }

    private static <T> T parse(Path where, String json, Class<T> type) {
        try {
            return LINE.fromJson(json, type);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(where + ": malformed scan output: " + e.getMessage(), e);
        }
    }
}

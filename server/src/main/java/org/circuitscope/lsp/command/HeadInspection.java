package org.circuitscope.lsp.command;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.circuitscope.circuits.CompositionScores;
import org.circuitscope.circuits.TokenCircuits;
import org.circuitscope.engine.ModelHandle;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.report.SkipTrigram;

/**
 * The per-model parts of {@code circuitscope.inspectHead}, from the circuits library and
 * memoised per model (they do not depend on the prompt): top skip-trigrams
 * ({@link SkipTrigrams} over {@link TokenCircuits}) and Q/K/V composition with every other head
 * ({@link CompositionScores#all}, with the random-matrix baseline).
 */
final class HeadInspection {
    private HeadInspection() {}

    /** Vocabularies up to this size are scanned whole for skip-trigrams; larger ones only their first ids (cost |T|²·d_head per head). */
    static final int TRIGRAM_VOCAB = 2048;

    record Composed(String mode, int layer, int head, String label, double score, double over_baseline) {}

    /** {@code reads_from}: earlier heads whose output this head reads (Q, K or V); {@code writes_to}: later heads that read it. */
    record Composition(double baseline, List<Composed> reads_from, List<Composed> writes_to) {}

    static List<SkipTrigram> skipTrigrams(ModelHandle m, int layer, int head, int k) {
        TokenCircuits tc = m.memo("token-circuits", x -> TokenCircuits.of(x.transformer().weights(),
                IntStream.range(0, Math.min(TRIGRAM_VOCAB, x.config().dVocab())).toArray()));
        return m.memo("trigrams-" + layer + "-" + head + "-" + k, x -> SkipTrigram.top(tc, layer, head, k, x::tokenText));
    }

    /** Q, K and V composition of every head pair, computed once per model. */
    static CompositionScores.Result compositionScores(CommandCall call) {
        return call.memo("composition", "Composition scores", p -> CompositionScores.all(call.model().transformer().weights(), p));
    }

    /** The random-matrix baseline of the model's shapes (64 draws, seed 0: the command line's default). */
    static double compositionBaseline(CommandCall call) {
        return call.model().memo("composition-baseline", x -> CompositionScores.baseline(x.config()));
    }

    static Composition composition(CommandCall call, int layer, int head, int k) {
        CompositionScores.Result all = compositionScores(call);
        double baseline = compositionBaseline(call);
        ModelConfig c = call.model().config();
        List<Composed> reads = new ArrayList<>(), writes = new ArrayList<>();
        for (CompositionScores.Mode mode : CompositionScores.Mode.values()) {
            double[][][][] s = all.of(mode);
            for (int l = 0; l < c.nLayers(); l++) {
                for (int h = 0; h < c.nHeads(); h++) {
                    if (l < layer) reads.add(new Composed(mode.name(), l, h, ModelConfig.headLabel(l, h), s[l][h][layer][head], s[l][h][layer][head] - baseline));
                    if (l > layer) writes.add(new Composed(mode.name(), l, h, ModelConfig.headLabel(l, h), s[layer][head][l][h], s[layer][head][l][h] - baseline));
                }
            }
        }
        Comparator<Composed> strongest = Comparator.comparingDouble(Composed::score).reversed();
        reads.sort(strongest);
        writes.sort(strongest);
        return new Composition(baseline, List.copyOf(reads.subList(0, Math.min(k, reads.size()))), List.copyOf(writes.subList(0, Math.min(k, writes.size()))));
    }
}

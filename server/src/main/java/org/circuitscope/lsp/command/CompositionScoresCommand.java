package org.circuitscope.lsp.command;

import org.circuitscope.circuits.CompositionScores;
import org.circuitscope.circuits.HeadCircuits;
import org.circuitscope.lsp.protocol.CommandIds;
import org.circuitscope.model.ModelConfig;

/**
 * {@code circuitscope.compositionScores}: the Q, K and V composition scores of every head pair of
 * the document's model ({@link CompositionScores#all}, indexed [layer1][head1][layer2][head2], 0
 * unless layer1 &lt; layer2) with the random-matrix baseline, as {@code heads --json} prints them.
 * They depend on the weights only, so the prompt plays no part and a model computes them once.
 */
final class CompositionScoresCommand implements ServerCommand {
    record Result(String model, int n_layers, int n_heads, double baseline, double[][][][] q, double[][][][] k, double[][][][] v,
                  String qk_note) {}

    @Override public String id() { return CommandIds.COMPOSITION_SCORES; }

    @Override
    public Object run(CommandCall call) {
        ModelConfig c = call.model().config();
        call.cancel().check();
        CompositionScores.Result s = HeadInspection.compositionScores(call);
        return new Result(call.model().name(), c.nLayers(), c.nHeads(), HeadInspection.compositionBaseline(call), s.q(), s.k(), s.v(),
                HeadCircuits.rotaryNote(c));
    }
}

package org.circuitscope.lsp.command;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.circuitscope.circuits.HeadDetectors.Detector;
import org.circuitscope.circuits.HeadIndex;
import org.circuitscope.lsp.protocol.CommandIds;
import org.circuitscope.report.TokenRef;

/**
 * {@code circuitscope.inspectHead}: the head card of ({@code layer}, {@code head}): its pattern
 * on the prompt, detector and copying scores, top skip-trigrams and Q/K/V composition.
 */
final class InspectHeadCommand implements ServerCommand {
    record Result(String model, int layer, int head, String label, List<TokenRef> tokens, float[][] pattern, Map<String, Double> scores,
                  double copying_score, List<HeadInspection.Trigram> skip_trigrams, HeadInspection.Composition composition) {}

    @Override public String id() { return CommandIds.INSPECT_HEAD; }

    @Override
    public Object run(CommandCall call) {
        HeadIndex hd = HeadArgs.of(call.args(), call.model().config(), call.command());
        int l = hd.layer(), h = hd.head();
        float[][] pattern = HeadData.pattern(call.run(), l, h, call.cancel());
        Map<Detector, double[][]> det = HeadData.detectors(call.run(), call.cancel());
        Map<String, Double> scores = new LinkedHashMap<>();
        scores.put("previous_token", det.get(Detector.PREVIOUS_TOKEN)[l][h]);
        scores.put("duplicate_token", det.get(Detector.DUPLICATE_TOKEN)[l][h]);
        scores.put("induction", det.get(Detector.INDUCTION)[l][h]);
        scores.put("induction_repeated_random", HeadData.repeatedInduction(call.model())[l][h]);
        return new Result(call.model().name(), l, h, hd.label(), HeadData.tokens(call.run()), pattern, scores,
                HeadData.copying(call.model())[l][h], HeadInspection.skipTrigrams(call.model(), l, h, 10),
                HeadInspection.composition(call.model(), l, h, 12));
    }
}

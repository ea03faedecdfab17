package org.circuitscope.lsp.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.circuitscope.circuits.HeadDetectors.Detector;
import org.circuitscope.lsp.protocol.CommandIds;
import org.circuitscope.model.ModelConfig;

/** {@code circuitscope.detectHeads}: every head's detector scores on the prompt and on repeated random tokens, and its OV copying score. */
final class DetectHeadsCommand implements ServerCommand {
    record HeadScores(int layer, int head, String label, double previous_token, double duplicate_token, double induction,
                      double induction_repeated_random, double copying_score) {}

    record Result(String model, List<org.circuitscope.report.TokenRef> tokens, List<HeadScores> heads) {}

    @Override public String id() { return CommandIds.DETECT_HEADS; }

    @Override
    public Object run(CommandCall call) {
        ModelConfig c = call.model().config();
        Map<Detector, double[][]> det = HeadData.detectors(call.run(), call.cancel());
        double[][] ind = HeadData.repeatedInduction(call.model()), cop = HeadData.copying(call.model());
        List<HeadScores> out = new ArrayList<>();
        for (int l = 0; l < c.nLayers(); l++) {
            for (int h = 0; h < c.nHeads(); h++) {
                out.add(new HeadScores(l, h, ModelConfig.headLabel(l, h), det.get(Detector.PREVIOUS_TOKEN)[l][h],
                        det.get(Detector.DUPLICATE_TOKEN)[l][h], det.get(Detector.INDUCTION)[l][h], ind[l][h], cop[l][h]));
            }
        }
        return new Result(call.model().name(), HeadData.tokens(call.run()), out);
    }
}

package org.circuitscope.lsp.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.circuitscope.circuits.HeadDetectors.Detector;
import org.circuitscope.lsp.protocol.CommandIds;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.report.HeadSummary;
import org.circuitscope.report.TokenRef;

/** {@code circuitscope.detectHeads}: every head's {@link HeadSummary} (detector scores on the prompt and on repeated random tokens, copying scores). */
final class DetectHeadsCommand implements ServerCommand {
    record Result(String model, List<TokenRef> tokens, List<HeadSummary> heads) {}

    @Override public String id() { return CommandIds.DETECT_HEADS; }

    @Override
    public Object run(CommandCall call) {
        ModelConfig c = call.model().config();
        Map<Detector, double[][]> det = HeadData.detectors(call.run(), call.cancel());
        List<HeadSummary> out = new ArrayList<>();
        for (int l = 0; l < c.nLayers(); l++) for (int h = 0; h < c.nHeads(); h++) out.add(HeadData.summary(call, det, l, h, 0));
        return new Result(call.model().name(), HeadData.tokens(call.run()), out);
    }
}

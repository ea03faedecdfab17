package org.circuitscope.lsp.command;

import org.circuitscope.lsp.protocol.CommandIds;
import org.circuitscope.report.PredictReport;

/** {@code circuitscope.predict}: {@link PredictReport} of the whole prompt; {@code top} predictions per position (default 5). */
final class PredictCommand implements ServerCommand {
    @Override public String id() { return CommandIds.PREDICT; }

    @Override
    public Object run(CommandCall call) {
        return PredictReport.of(call.prompt(), call.run().logits(), call.optInt("top", 5));
    }
}

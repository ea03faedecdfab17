package org.circuitscope.lsp.command;

import org.circuitscope.circuits.LogitLens;
import org.circuitscope.lsp.protocol.CommandIds;
import org.circuitscope.report.LensReport;

/** {@code circuitscope.logitLens}: {@link LensReport} at the target's row; {@code top} tokens per layer (default the topK setting). */
final class LogitLensCommand implements ServerCommand {
    @Override public String id() { return CommandIds.LOGIT_LENS; }

    @Override
    public Object run(CommandCall call) {
        Target t = Target.of(call);
        int top = call.optInt("top", call.settings().topK());
        var cache = call.run().acts().cacheWith(LogitLens.hooks(call.model().config()), call.cancel());
        return LensReport.of(call.prompt(), cache, t.pos(), t.id(), top);
    }
}

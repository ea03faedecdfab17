package org.circuitscope.lsp.command;

import org.circuitscope.circuits.PathExpansion;
import org.circuitscope.lsp.protocol.CommandIds;
import org.circuitscope.report.PathsReport;

/** {@code circuitscope.pathExpansion}: {@link PathsReport} of the target's logit; {@code top} terms listed (default 40). */
final class PathExpansionCommand implements ServerCommand {
    @Override public String id() { return CommandIds.PATH_EXPANSION; }

    @Override
    public Object run(CommandCall call) {
        Target t = Target.of(call);
        int top = call.optInt("top", 40);
        var cache = call.run().acts().cacheWith(PathExpansion.hooks(call.model().config()), call.cancel());
        call.cancel().check();
        return PathsReport.of(call.prompt(), cache, t.pos(), t.id(), top);
    }
}

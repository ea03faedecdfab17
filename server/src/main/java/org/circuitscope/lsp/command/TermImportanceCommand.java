package org.circuitscope.lsp.command;

import org.circuitscope.circuits.TermImportance;
import org.circuitscope.lsp.protocol.CommandIds;
import org.circuitscope.lsp.protocol.Params;
import org.circuitscope.report.TermImportanceReport;

/** {@code circuitscope.termImportance}: {@link TermImportanceReport} over the document's prompt (every position that has a next token). */
final class TermImportanceCommand implements ServerCommand {
    @Override public String id() { return CommandIds.TERM_IMPORTANCE; }

    @Override
    public Object run(CommandCall call) {
        if (call.run().length() < 2) throw Params.invalid(call.command() + ": the prompt needs at least two tokens (one prediction)");
        var cache = call.run().acts().cacheWith(TermImportance.hooks(call.model().config()), call.cancel());
        call.cancel().check();
        return TermImportanceReport.of(call.model().name(), TermImportance.of(call.model().transformer(), cache), 1);
    }
}

package org.circuitscope.lsp.command;

import java.util.List;
import org.circuitscope.circuits.HeadCircuits;
import org.circuitscope.circuits.HeadIndex;
import org.circuitscope.engine.DocumentScans;
import org.circuitscope.engine.PromptWorkspace;
import org.circuitscope.lsp.protocol.CommandIds;
import org.circuitscope.report.HeadSummary;
import org.circuitscope.report.TokenRef;

/**
 * {@code circuitscope.inspectHead}: the head card of ({@code layer}, {@code head}): its pattern
 * on the prompt, its {@link HeadSummary} with the top 10 skip-trigrams, and Q/K/V composition;
 * {@code qk_note} says, for rotary models, that the QK-based scores leave the rotation out;
 * {@code scan} is the corpus scan directory the document names, when it is usable (the card then
 * links to the head's top examples there).
 */
final class InspectHeadCommand implements ServerCommand {
    record Result(String model, int layer, int head, String label, List<TokenRef> tokens, float[][] pattern, HeadSummary scores,
                  HeadInspection.Composition composition, String qk_note, String scan) {}

    private final PromptWorkspace ws;

    InspectHeadCommand(PromptWorkspace ws) { this.ws = ws; }

    @Override public String id() { return CommandIds.INSPECT_HEAD; }

    @Override
    public Object run(CommandCall call) {
        HeadIndex hd = HeadArgs.of(call.args(), call.model().config(), call.command());
        int l = hd.layer(), h = hd.head();
        float[][] pattern = HeadData.pattern(call.run(), l, h, call.cancel());
        HeadSummary scores = HeadData.summary(call, HeadData.detectors(call.run(), call.cancel()), l, h, 10);
        return new Result(call.model().name(), l, h, hd.label(), HeadData.tokens(call.run()), pattern, scores,
                HeadInspection.composition(call, l, h, 12), HeadCircuits.rotaryNote(call.model().config()), scan(call));
    }

    /** The usable scan's directory, else null: a missing or mismatched scan is the examples command's error to report, not the card's. */
    private String scan(CommandCall call) {
        try {
            DocumentScans.Found f = ws.scan(call.run().doc(), call.model().config());
            return f == null ? null : f.location().dir().toString();
        } catch (DocumentScans.ScanProblem p) {
            return null;
        }
    }
}

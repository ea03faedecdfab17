package org.circuitscope.lsp.command;

import java.util.ArrayList;
import java.util.List;
import org.circuitscope.circuits.HeadIndex;
import org.circuitscope.lsp.protocol.CommandIds;
import org.circuitscope.lsp.protocol.Params;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.report.TokenRef;

/** {@code circuitscope.attentionPattern}: the causal pattern of one head ({@code layer}, {@code head}) or of every head of a layer. */
final class AttentionPatternCommand implements ServerCommand {
    record HeadPattern(int head, String label, float[][] pattern) {}

    record Result(String model, int layer, List<TokenRef> tokens, List<HeadPattern> heads) {}

    @Override public String id() { return CommandIds.ATTENTION_PATTERN; }

    @Override
    public Object run(CommandCall call) {
        ModelConfig c = call.model().config();
        int l = Params.integer(call.args(), "layer", call.command());
        List<HeadPattern> heads = new ArrayList<>();
        if (call.args().has("head") && !call.args().get("head").isJsonNull()) {
            HeadIndex h = HeadArgs.of(call.args(), c, call.command());
            heads.add(new HeadPattern(h.head(), h.label(), HeadData.pattern(call.run(), l, h.head(), call.cancel())));
        } else {
            HeadArgs.check(c, l, 0, call.command());
            for (int h = 0; h < c.nHeads(); h++) {
                heads.add(new HeadPattern(h, ModelConfig.headLabel(l, h), HeadData.pattern(call.run(), l, h, call.cancel())));
            }
        }
        return new Result(call.model().name(), l, HeadData.tokens(call.run()), heads);
    }
}

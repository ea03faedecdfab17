package org.circuitscope.lsp.command;

import java.util.List;
import org.circuitscope.circuits.GradientAttribution;
import org.circuitscope.lsp.protocol.CommandIds;
import org.circuitscope.lsp.protocol.Params;
import org.circuitscope.lsp.protocol.Snippet;
import org.circuitscope.report.DirectAttributionReport;
import org.circuitscope.report.GradientAttributionReport;

/**
 * {@code circuitscope.attribute}: with {@code method} "direct" (the default) the
 * {@link DirectAttributionReport} of the target's logit (minus the {@code contrast}'s, when one
 * is given); with a gradient method the {@link GradientAttributionReport}, at most
 * {@link GradientAttribution#MAX_STEPS} steps.
 */
final class AttributeCommand implements ServerCommand {
    private static final List<String> GRADIENT_METHODS = List.of("saliency", "input-x-gradient", "integrated-gradients");

    @Override public String id() { return CommandIds.ATTRIBUTE; }

    @Override
    public Object run(CommandCall call) {
        String cmd = call.command();
        String method = call.args().has("method") ? Params.string(call.args(), "method", cmd) : "direct";
        Target t = Target.of(call);
        if (GRADIENT_METHODS.contains(method)) {
            int steps = call.args().has("steps") ? Params.integer(call.args(), "steps", cmd) : 50;
            if (steps < 1 || steps > GradientAttribution.MAX_STEPS) {
                throw Params.invalid(cmd + ": 'steps' must be between 1 and " + GradientAttribution.MAX_STEPS);
            }
            call.cancel().check();
            return GradientAttributionReport.of(call.prompt(), t.pos(), t.id(), GradientAttribution.Method.parse(method), steps);
        }
        if (!method.equals("direct")) {
            throw Params.invalid(cmd + ": unknown method " + Snippet.of(method) + "; methods are direct, " + String.join(", ", GRADIENT_METHODS));
        }
        int contrast = Target.contrast(call, t.id());
        var cache = call.run().acts().cacheWith(DirectAttributionReport.hooks(call.model().config()), call.cancel());
        call.cancel().check();
        return DirectAttributionReport.of(call.prompt(), cache, t.pos(), t.id(), contrast);
    }
}

package org.circuitscope.lsp.command;

import org.circuitscope.engine.PromptRun;
import org.circuitscope.lsp.protocol.CommandIds;
import org.circuitscope.lsp.protocol.Params;
import org.circuitscope.lsp.protocol.Snippet;
import org.circuitscope.model.HookPoint;
import org.circuitscope.report.FeatureCardReport;
import org.circuitscope.sae.FeatureId;
import org.circuitscope.sae.Sae;
import org.circuitscope.tensor.Tensor;

/**
 * {@code circuitscope.featureCard}: the {@link FeatureCardReport} of {@code feature}
 * ({@code "<sae>:<index>"}, an SAE the document's front matter or the setting names) on the
 * document. The logits use the final LayerNorm scale's mean over the document's positions.
 */
final class FeatureCardCommand implements ServerCommand {
    @Override public String id() { return CommandIds.FEATURE_CARD; }

    @Override
    public Object run(CommandCall call) {
        String spec = Params.string(call.args(), "feature", call.command());
        if (spec.length() > Snippet.MAX) throw Params.invalid(call.command() + ": " + Snippet.of(spec) + " is not a feature; write <sae>:<index>, e.g. resid0:123");
        Sae sae;
        FeatureId f;
        try {
            f = FeatureId.parse(spec);
            if (call.saes().isEmpty()) {
                throw new IllegalArgumentException("no SAE is loaded for this document; name SAE folders in the front matter ('saes:') or the circuitscope.saes setting");
            }
            sae = call.saes().set().require(f);
        } catch (IllegalArgumentException e) {
            throw Params.invalid(call.command() + ": " + e.getMessage());
        }
        PromptRun run = call.run();
        Tensor x = run.acts().get(sae.config().hookName(), call.cancel());
        call.cancel().check();
        Tensor enc = sae.encode(x);
        int dSae = sae.config().dSae();
        float[] acts = new float[run.length()];
        for (int p = 0; p < acts.length; p++) acts[p] = enc.data()[p * dSae + f.index()];
        return FeatureCardReport.of(call.prompt(), sae, f, acts, run.model().transformer().weights(), meanFinalScale(run, call),
                call.saes().logits(), call.saes().corpus());
    }

    /** The final normalisation's scale averaged over the document (1 without normalization). */
    static double meanFinalScale(PromptRun run, CommandCall call) {
        if (!run.model().config().normalizationType().scales()) return 1;
        float[] s = run.acts().get(HookPoint.LN_FINAL_SCALE, call.cancel()).data();
        double sum = 0;
        for (float v : s) sum += v;
        return s.length == 0 ? 1 : sum / s.length;
    }
}

package org.circuitscope.lsp;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.io.ModelDirectory;
import org.circuitscope.lsp.CircuitAnalyses.HeadContribution;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.Hook;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.RunOptions;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Direct logit attribution checked by intervention: removing a last-layer head's output with LN frozen moves the logit by its DLA. */
class SimpleCircuitAnalysesTest {
    @TempDir Path tmp;

    @Test
    void directContributionOfALastLayerHeadEqualsTheLogitChangeWhenItIsRemovedWithTheFinalScaleFrozen() throws Exception {
        try (LoadedModel m = ModelDirectory.load(TestModels.write(tmp, "ao", 2, true, 32, 3))) {
            ModelHandle h = new ModelHandle(m, 0);
            String body = "abcabd";
            PromptDocument doc = new PromptDocument("file:///x.prompt", "prompt", 1, body);
            // A budget too small for patterns: attribution must then recompute them on demand.
            PromptRun run = Analyzer.analyze(doc, FrontMatter.parse(body), h, true, 1 << 10, null, () -> {});
            int q = 5, target = run.ids()[6];
            List<HeadContribution> heads = new SimpleCircuitAnalyses().directHeads(run, q, target, true, () -> {});
            assertEquals(2 * 4, heads.size());
            for (int i = 1; i < heads.size(); i++) assertTrue(Math.abs(heads.get(i - 1).logit()) >= Math.abs(heads.get(i).logit()), "sorted by |DLA|");
            ActivationCache clean = m.transformer().runWithCache(run.ids());
            Tensor scale = clean.get(HookPoint.LN_FINAL_SCALE);
            for (HeadContribution c : heads) {
                if (c.layer() != 1) continue;
                Map<String, Hook> hooks = new HashMap<>();
                hooks.put(HookPoint.LN_FINAL_SCALE, (s, n) -> scale.copy());
                hooks.put(HookPoint.attn(1, "z"), (z, n) -> {
                    Tensor out = z.copy();
                    for (int i = 0; i < 8; i++) out.data()[(q * 4 + c.head()) * 8 + i] = 0;
                    return out;
                });
                Tensor ablated = m.transformer().run(run.ids(), new RunOptions(x -> false, hooks)).logits();
                double change = centred(clean.logits(), q, target) - centred(ablated, q, target);
                assertEquals(change, c.logit(), 1e-4, c.label() + ": DLA vs the effect of removing it");
                double sources = c.sources().stream().mapToDouble(CircuitAnalyses.SourceContribution::logit).sum();
                assertEquals(c.logit(), sources, 1e-5, c.label() + ": sources sum to the head");
            }
            List<HeadContribution> cheap = new SimpleCircuitAnalyses().directHeads(run, q, target, false, () -> {});
            for (HeadContribution c : cheap) {
                double full = heads.stream().filter(x -> x.label().equals(c.label())).findFirst().orElseThrow().logit();
                assertEquals(full, c.logit(), 1e-5, c.label() + ": from z and from the sources agree");
            }
            assertTrue(run.acts().recomputations() > 0, "patterns were recomputed under the tiny budget");
        }
    }

    /** logit[q, t] − mean_v logit[q, v], in float64. */
    static double centred(Tensor logits, int q, int t) {
        int v = logits.dim(1);
        double mean = 0;
        for (int i = 0; i < v; i++) mean += logits.data()[q * v + i];
        return logits.data()[q * v + t] - mean / v;
    }
}

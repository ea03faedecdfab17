package org.circuitscope.lsp;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.circuitscope.circuits.SourceAttribution;
import org.circuitscope.engine.Analyzer;
import org.circuitscope.engine.Cancel;
import org.circuitscope.engine.FrontMatter;
import org.circuitscope.engine.ModelHandle;
import org.circuitscope.engine.PromptDocument;
import org.circuitscope.engine.PromptRun;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.io.ModelDirectory;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.Hook;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.RunOptions;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hover's one-row head attribution: equal to the library's SourceAttribution, and to the effect of removing the head. */
class HeadAttributionTest {
    @TempDir Path tmp;

    @Test
    void oneRowAttributionEqualsTheLibraryAndTheEffectOfRemovingALastLayerHeadWithTheScaleFrozen() throws Exception {
        try (LoadedModel m = ModelDirectory.load(TestModels.write(tmp, "ao", 2, true, 32, 3))) {
            ModelHandle h = new ModelHandle(m, 0);
            String body = "abcabd";
            PromptDocument doc = new PromptDocument("file:///x.prompt", "prompt", 1, body);
            // A budget (3/4 of it for the first pass) that holds K, V, Q and the final scale (5,404 bytes) but no pattern.
            PromptRun run = Analyzer.analyze(doc, FrontMatter.parse(body), h, true, 7300, null, () -> {});
            assertFalse(run.acts().storedByFirstPass(HookPoint.attn(1, "pattern")), "patterns were not kept");
            int q = 5, target = run.ids()[6];
            List<org.circuitscope.circuits.HeadAttribution.Head> heads = run.heads(q, target, Integer.MAX_VALUE, Cancel.NEVER);
            assertEquals(0, run.acts().recomputations(), "hover needed no extra forward pass");
            assertEquals(2 * 4, heads.size());
            for (int i = 1; i < heads.size(); i++) assertTrue(Math.abs(heads.get(i - 1).logit()) >= Math.abs(heads.get(i).logit()), "sorted by |DLA|");
            ActivationCache clean = m.transformer().runWithCache(run.ids());
            List<SourceAttribution.HeadSources> lib = SourceAttribution.compute(m.transformer(), clean, q, target, -1);
            Tensor scale = clean.get(HookPoint.LN_FINAL_SCALE);
            for (org.circuitscope.circuits.HeadAttribution.Head c : heads) {
                SourceAttribution.HeadSources want = lib.stream().filter(x -> x.label().equals(c.label())).findFirst().orElseThrow();
                assertEquals(want.total(), c.logit(), 1e-5, c.label() + ": total as the library's");
                for (org.circuitscope.circuits.HeadAttribution.Source s : c.sources()) {
                    assertEquals(want.sources().get(s.source()).value(), s.logit(), 1e-5, c.label() + " source " + s.source());
                }
                if (c.layer() != 1) continue;
                Map<String, Hook> hooks = new HashMap<>();
                hooks.put(HookPoint.LN_FINAL_SCALE, (x, n) -> scale.copy());
                hooks.put(HookPoint.attn(1, "z"), (z, n) -> {
                    Tensor out = z.copy();
                    for (int i = 0; i < 8; i++) out.data()[(q * 4 + c.head()) * 8 + i] = 0;
                    return out;
                });
                Tensor ablated = m.transformer().run(run.ids(), new RunOptions(x -> false, hooks)).logits();
                double change = clean.logits().get(q, target) - ablated.get(q, target);
                assertEquals(change, c.logit(), 1e-4, c.label() + ": DLA vs the logit change when it is removed (nothing later reads it)");
            }
            List<org.circuitscope.circuits.HeadAttribution.Head> cheap = run.heads(q, target, 0, Cancel.NEVER);
            assertTrue(cheap.stream().allMatch(x -> x.sources().isEmpty()), "no sources when not asked");
            assertEquals(heads.get(0).logit(), cheap.get(0).logit(), 1e-9);
            // Another token read out at the same position: from the result rows kept since the first hover there.
            for (int other : new int[] {run.ids()[2], run.ids()[3]}) {
                List<SourceAttribution.HeadSources> libOther = SourceAttribution.compute(m.transformer(), clean, q, other, -1);
                for (org.circuitscope.circuits.HeadAttribution.Head c : run.heads(q, other, 2, Cancel.NEVER)) {
                    SourceAttribution.HeadSources want = libOther.stream().filter(x -> x.label().equals(c.label())).findFirst().orElseThrow();
                    assertEquals(want.total(), c.logit(), 1e-5, c.label() + ": total for token " + other);
                    for (org.circuitscope.circuits.HeadAttribution.Source s : c.sources()) {
                        assertEquals(want.sources().get(s.source()).value(), s.logit(), 1e-5, c.label() + " source " + s.source() + " for token " + other);
                    }
                }
            }
            // An edit at the hovered position rewrites its rows: the next hover there reads the new ones, not those kept.
            String edited = "abcxbd";
            PromptDocument doc2 = new PromptDocument("file:///x.prompt", "prompt", 2, edited);
            PromptRun run2 = Analyzer.analyze(doc2, FrontMatter.parse(edited), h, true, 7300, run, () -> {});
            ActivationCache clean2 = m.transformer().runWithCache(run2.ids());
            List<SourceAttribution.HeadSources> lib2 = SourceAttribution.compute(m.transformer(), clean2, q, target, -1);
            for (org.circuitscope.circuits.HeadAttribution.Head c : run2.heads(q, target, 0, Cancel.NEVER)) {
                SourceAttribution.HeadSources want = lib2.stream().filter(x -> x.label().equals(c.label())).findFirst().orElseThrow();
                assertEquals(want.total(), c.logit(), 1e-5, c.label() + ": total after the edit");
            }
        }
    }
}

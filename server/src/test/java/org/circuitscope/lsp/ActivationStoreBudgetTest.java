package org.circuitscope.lsp;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import org.circuitscope.engine.ActivationStore;
import org.circuitscope.engine.Analyzer;
import org.circuitscope.engine.FrontMatter;
import org.circuitscope.engine.ModelHandle;
import org.circuitscope.engine.PromptDocument;
import org.circuitscope.engine.PromptRun;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.io.ModelDirectory;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A document's activations stay within its memory budget: what does not fit is recomputed on
 * demand, evicted least recently used first, and every answer equals the activation of one
 * full forward pass that records every hook point.
 */
class ActivationStoreBudgetTest {
    @TempDir Path tmp;

    @Test
    void activationsBeyondTheBudgetAreRecomputedOnDemandAndEqualAFullCache() throws Exception {
        try (LoadedModel m = ModelDirectory.load(TestModels.write(tmp, "budget", 2, false, 64, 21))) {
            ModelHandle h = new ModelHandle(m, 0);
            ModelConfig c = h.config();
            String text = "the cat sat on the mat and the dog sat on";
            PromptDocument doc = new PromptDocument("file:///budget.prompt", "prompt", 1, text);
            int t = text.length() + 1; // byte-level tokens and a BOS
            // Room for the cache's rows, a few per-position activations and about two patterns on demand; not for everything.
            long cache = ActivationStore.cacheBytes(c, t), pattern = 4L * c.nHeads() * t * t;
            long budget = (cache + 3 * 4L * t * c.dModel()) * 4 / 3 + pattern + 4L * t * c.dMlp();
            PromptRun run = Analyzer.analyze(doc, FrontMatter.parse(text), h, true, budget, null, () -> {});
            ActivationStore acts = run.acts();
            assertEquals(t, acts.length());
            ActivationCache full = h.transformer().runWithCache(run.ids());

            List<String> all = HookPoint.all(c).stream().filter(n -> !n.equals(HookPoint.LOGITS)).toList();
            assertTrue(all.stream().anyMatch(n -> !acts.storedByFirstPass(n)), "the budget is too small to keep everything after the first pass");
            assertTrue(acts.heldBytes() <= budget, "after the first pass: " + acts.heldBytes() + " > " + budget);

            for (String n : all) {
                assertClose(full.get(n), acts.get(n, () -> {}), n);
                assertTrue(acts.heldBytes() <= budget, "after " + n + ": held " + acts.heldBytes() + " > budget " + budget);
            }

            // The first pattern was evicted by the activations asked after it (the room holds about two patterns):
            // asked again, it is recomputed, and then held.
            String first = HookPoint.attn(0, "pattern");
            assertFalse(acts.storedByFirstPass(first));
            int before = acts.recomputations();
            assertClose(full.get(first), acts.get(first, () -> {}), first + " again");
            assertEquals(before + 1, acts.recomputations(), "an evicted activation is recomputed");
            int after = acts.recomputations();
            assertClose(full.get(first), acts.get(first, () -> {}), first + " a third time");
            assertEquals(after, acts.recomputations(), "the activation just recomputed is held");
            assertTrue(acts.heldBytes() <= budget);
        }
    }

    private static void assertClose(Tensor want, Tensor got, String name) {
        assertArrayEquals(want.shape(), got.shape(), name + " shape");
        for (int i = 0; i < want.size(); i++) {
            assertEquals(want.data()[i], got.data()[i], 1e-4 * (1 + Math.abs(want.data()[i])), name + " element " + i);
        }
    }
}

package org.circuitscope.lsp;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import org.circuitscope.engine.Analyzer;
import org.circuitscope.engine.FrontMatter;
import org.circuitscope.engine.LineIndex;
import org.circuitscope.engine.ModelHandle;
import org.circuitscope.engine.PositionEncoding;
import org.circuitscope.engine.PromptDocument;
import org.circuitscope.engine.PromptRun;
import org.circuitscope.engine.Settings;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.io.ModelDirectory;
import org.circuitscope.lsp.feature.HoverFeature;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An edited document is analysed from its first changed token, with the same result as analysing it afresh. */
class AnalyzerIncrementalTest {
    @TempDir Path tmp;

    @Test
    void editsAtTheEndInTheMiddleAndAtTheStartGiveTheResultsOfAFreshAnalysis() throws Exception {
        try (LoadedModel m = ModelDirectory.load(TestModels.write(tmp, "mlp", 2, false, 64, 9))) {
            ModelHandle h = new ModelHandle(m, 0);
            String[] versions = {"the cat sat on the mat", "the cat sat on the mat!", "the dog sat on the mat!", "A dog sat on the mat!",
                    "A dog sat"};
            int[] expectedFrom = {-1, 23, 5, 1, -2};
            PromptRun prev = null;
            for (int v = 0; v < versions.length; v++) {
                PromptDocument doc = new PromptDocument("file:///x.prompt", "prompt", v + 1, versions[v]);
                FrontMatter fm = FrontMatter.parse(versions[v]);
                PromptRun inc = Analyzer.analyze(doc, fm, h, true, 1 << 20, prev, () -> {});
                PromptRun fresh = Analyzer.analyze(doc, fm, h, true, 1 << 20, null, () -> {});
                assertArrayEquals(fresh.ids(), inc.ids(), "version " + v);
                if (expectedFrom[v] > 0) assertEquals(expectedFrom[v], inc.acts().computedFrom(), "version " + v + ": first recomputed position");
                if (expectedFrom[v] == -2) assertEquals(inc.length(), inc.acts().computedFrom(), "a cut prompt recomputes nothing");
                Tensor a = fresh.logits(), b = inc.logits();
                for (int i = 0; i < a.size(); i++) assertEquals(a.data()[i], b.data()[i], 1e-4, "version " + v + " logit " + i);
                for (int p = 1; p < inc.length(); p++) {
                    assertEquals(fresh.logProb()[p], inc.logProb()[p], 1e-5, "version " + v + " log P at " + p);
                    assertEquals(fresh.rank()[p], inc.rank()[p], "version " + v + " rank at " + p);
                }
                prev = inc;
            }
        }
    }

    @Test
    void theEarlyRunOfAnEditAnswersHoversUpToTheFirstChangedTokenExactlyAsTheFullAnalysis() throws Exception {
        try (LoadedModel m = ModelDirectory.load(TestModels.write(tmp, "early", 2, false, 64, 4))) {
            ModelHandle h = new ModelHandle(m, 0);
            String[] versions = {"the cat sat on the mat", "the cat sat on the mat!", "the cat sat on the hat!", "the cat sat on the hat! And"};
            PromptRun prev = null;
            for (int v = 0; v < versions.length; v++) {
                PromptDocument doc = new PromptDocument("file:///x.prompt", "prompt", v + 1, versions[v]);
                FrontMatter fm = FrontMatter.parse(versions[v]);
                java.util.List<PromptRun> early = new java.util.ArrayList<>();
                PromptRun full = Analyzer.analyze(doc, fm, h, true, 1 << 20, prev, () -> {}, early::add);
                assertTrue(full.complete());
                if (v == 0) {
                    assertTrue(early.isEmpty(), "a first analysis has nothing computed before it");
                    prev = full;
                    continue;
                }
                assertEquals(1, early.size(), "version " + v + ": one early run");
                PromptRun e = early.get(0);
                int from = full.acts().computedFrom();
                assertTrue(from > 0 && from < full.length(), "version " + v + ": an edit after the start");
                assertEquals(from + 1, e.ready(), "version " + v + ": ready up to and including the first changed token");
                assertFalse(e.complete());
                assertArrayEquals(full.ids(), e.ids(), "the early run has the new tokens");
                LineIndex idx = new LineIndex(doc.text(), PositionEncoding.UTF16);
                for (int p = 1; p < e.ready(); p++) {
                    assertEquals(full.logProb()[p], e.logProb()[p], 1e-9, "version " + v + " log P at " + p);
                    assertEquals(full.rank()[p], e.rank()[p], "version " + v + " rank at " + p);
                    String want = HoverFeature.hover(full, full.starts()[p], idx, Settings.defaults(), () -> {}).getContents().getRight().getValue();
                    String got = HoverFeature.hover(e, e.starts()[p], idx, Settings.defaults(), () -> {}).getContents().getRight().getValue();
                    assertEquals(want, got, "version " + v + ": hover at position " + p);
                }
                assertThrows(IndexOutOfBoundsException.class, () -> e.acts().logSoftmax(e.ready() - 1),
                        "the early run reads no row the pass has not computed");
                prev = full;
            }
        }
    }
}

package org.circuitscope.lsp;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.circuitscope.engine.Analyzer;
import org.circuitscope.engine.FrontMatter;
import org.circuitscope.engine.LineIndex;
import org.circuitscope.engine.ModelHandle;
import org.circuitscope.engine.PositionEncoding;
import org.circuitscope.engine.PromptDocument;
import org.circuitscope.engine.PromptRun;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.io.ModelDirectory;
import org.circuitscope.lsp.feature.HoverFeature;
import org.circuitscope.lsp.feature.TokenCard;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The card run (every block done, the logits rows not yet written): a hover on any token is
 * answered from its own logits row, made alone, with the numbers a full forward gives.
 */
class CardRunTest {
    @TempDir Path tmp;

    @Test
    void cardsFromTheCardRunOfAFreshDocumentAndOfAnEditAtTheStartMatchAFullForward() throws Exception {
        try (LoadedModel m = ModelDirectory.load(TestModels.write(tmp, "cards", 2, false, 128, 5))) {
            ModelHandle h = new ModelHandle(m, 0);
            String[] versions = {"the cat sat on the mat and the dog sat on the log", "A cat sat on the mat and the dog sat on the log",
                    "A cat sat on the mat and the dog sat on the log."};
            PromptRun prev = null;
            for (int v = 0; v < versions.length; v++) {
                PromptDocument doc = new PromptDocument("file:///x.prompt", "prompt", v + 1, versions[v]);
                FrontMatter fm = FrontMatter.parse(versions[v]);
                List<PromptRun> cards = new ArrayList<>();
                PromptRun full = Analyzer.analyze(doc, fm, h, true, 1 << 20, prev, () -> {}, r -> {}, cards::add);
                assertEquals(1, cards.size(), "version " + v + ": one card run");
                PromptRun c = cards.get(0);
                int n = full.length(), from = full.acts().computedFrom();
                assertEquals(n, c.ready(), "every position is ready for its card");
                assertFalse(c.complete(), "the card run is not the whole analysis");
                assertTrue(c.acts().logitsPending());
                // The reference: a full forward of the same tokens, log-softmax in float64 here.
                Tensor logits = m.transformer().forward(full.ids());
                int vocab = logits.dim(1);
                LineIndex idx = new LineIndex(doc.text(), PositionEncoding.UTF16);
                for (int p = 1; p < n; p++) {
                    double max = Double.NEGATIVE_INFINITY, sum = 0;
                    for (int j = 0; j < vocab; j++) max = Math.max(max, logits.data()[(p - 1) * vocab + j]);
                    for (int j = 0; j < vocab; j++) sum += Math.exp(logits.data()[(p - 1) * vocab + j] - max);
                    double want = logits.data()[(p - 1) * vocab + full.ids()[p]] - max - Math.log(sum);
                    int wantRank = 1;
                    for (int j = 0; j < vocab; j++) if (logits.data()[(p - 1) * vocab + j] > logits.data()[(p - 1) * vocab + full.ids()[p]]) wantRank++;
                    assertEquals(want, c.logProbAt(p), 1e-4, "version " + v + " (from " + from + "): log P at " + p);
                    assertEquals(wantRank, c.rankAt(p), "version " + v + ": rank at " + p);
                    TokenCard got = HoverFeature.card(c, p, idx, 5, () -> {});
                    TokenCard ref = HoverFeature.card(full, p, idx, 5, () -> {});
                    assertEquals(Math.exp(want), got.prediction().prob(), 1e-4, "version " + v + ": card probability at " + p);
                    assertEquals(ref.prediction().rank(), got.prediction().rank());
                    for (int i = 0; i < ref.prediction().top().size(); i++) {
                        assertEquals(ref.prediction().top().get(i).prob(), got.prediction().top().get(i).prob(), 1e-5, "top " + i + " at " + p);
                    }
                    assertEquals(ref.heads().size(), got.heads().size());
                    for (int i = 0; i < ref.heads().size(); i++) {
                        assertEquals(ref.heads().get(i).label(), got.heads().get(i).label(), "head " + i + " at " + p);
                        assertEquals(ref.heads().get(i).logit(), got.heads().get(i).logit(), 1e-5, "head " + i + " logit at " + p);
                    }
                }
                prev = full;
            }
        }
    }
}

package org.circuitscope.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.circuitscope.circuits.SourceAttribution;
import org.circuitscope.engine.LineIndex;
import org.circuitscope.engine.PositionEncoding;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.io.ModelDirectory;
import org.circuitscope.lsp.feature.HoverFeature;
import org.circuitscope.lsp.feature.TokenCard;
import org.circuitscope.model.ActivationCache;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hover's card as data, read from a served document's run and checked against a direct
 * forward pass (float64 log-softmax) and the circuits library's source attribution: no number
 * is read back from Markdown.
 */
class TokenCardTest {
    @TempDir static Path tmp;
    static LoadedModel model;
    static LspFixture f;

    @BeforeAll
    static void start() throws Exception {
        Path dir = TestModels.write(tmp, "card", 2, true, 64, 5);
        model = ModelDirectory.load(dir);
        f = new LspFixture(LspFixture.settingsWithModel(dir), List.of("utf-16"));
    }

    @AfterAll
    static void stop() throws Exception {
        f.close();
        model.close();
    }

    static TokenCard card(String uri, int position) throws Exception {
        return f.server.promptWorkspace().request(uri, null, (a, cancel) ->
                HoverFeature.card(a.run(), position, new LineIndex(a.doc().text(), PositionEncoding.UTF16), 5, cancel)).get(30, TimeUnit.SECONDS);
    }

    @Test
    void theCardHoldsTheDirectPassesProbabilityRankTopTokensAndHeads() throws Exception {
        String body = "abcabcab";
        String uri = f.open(body);
        f.diagnostics(uri, 1); // the document is open and analysed (didOpen travels over the wire; this request does not)
        int[] b = model.tokenizer().orElseThrow().encode(body).ids();
        int[] ids = new int[b.length + 1];
        ids[0] = model.tokenizer().orElseThrow().bosId().getAsInt();
        System.arraycopy(b, 0, ids, 1, b.length);
        int p = 6;
        TokenCard c = card(uri, p);
        assertEquals(ids[p], c.id());
        assertEquals(p, c.position());
        double[] lp = Reference.logSoftmax(model.transformer().forward(ids), p - 1);
        assertEquals(Math.exp(lp[ids[p]]), c.prediction().prob(), 1e-5, "probability under the prediction at p - 1");
        assertEquals(-lp[ids[p]] / Math.log(2), c.prediction().surprisalBits(), 1e-4);
        assertEquals(Reference.rank(lp, ids[p]), c.prediction().rank());
        assertEquals(5, c.prediction().top().size());
        assertEquals(Reference.argmax(lp), c.prediction().top().get(0).id(), "the top prediction first");
        assertEquals(c.prediction().rank() <= 5, c.prediction().top().stream().anyMatch(TokenCard.Choice::actual), "the actual token marked when listed");

        ActivationCache cache = model.transformer().runWithCache(ids);
        List<SourceAttribution.HeadSources> lib = SourceAttribution.compute(model.transformer(), cache, p - 1, ids[p], -1);
        assertEquals(3, c.heads().size(), "the three largest heads");
        double smallestShown = Math.abs(c.heads().get(2).logit());
        for (SourceAttribution.HeadSources h : lib) {
            boolean shown = c.heads().stream().anyMatch(x -> x.label().equals(h.label()));
            if (!shown) assertTrue(Math.abs(h.total()) <= smallestShown + 1e-6, h.label() + " is larger than a head shown");
        }
        for (TokenCard.HeadRow row : c.heads()) {
            SourceAttribution.HeadSources want = lib.stream().filter(x -> x.label().equals(row.label())).findFirst().orElseThrow();
            assertEquals(want.total(), row.logit(), 1e-4, row.label());
            SourceAttribution.Source best = want.sources().stream().max((x, y) -> Double.compare(Math.abs(x.value()), Math.abs(y.value()))).orElseThrow();
            assertEquals(best.position(), row.topSource().position(), row.label() + ": the source it took most from");
        }
    }

    @Test
    void theFirstTokenWithoutBosHasNoPrediction() throws Exception {
        String uri = f.open("---\ncircuitscope:\n  prepend_bos: false\n---\nabc");
        f.diagnostics(uri, 1);
        TokenCard c = card(uri, 0);
        assertNull(c.prediction());
        assertTrue(c.heads().isEmpty());
        assertFalse(card(uri, 1).heads().isEmpty());
    }
}

package org.circuitscope.lsp;

import static org.circuitscope.lsp.PromptAssert.*;
import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.io.ModelDirectory;
import org.circuitscope.lsp.feature.SemanticTokensFeature;
import org.circuitscope.lsp.feature.Show;
import org.circuitscope.lsp.protocol.CommandIds;
import org.circuitscope.tensor.Tensor;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionList;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.InlayHint;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Hover, inlay hints, semantic tokens, code lens and completion through a real client, checked
 * against a direct forward pass, on a model of each family (edits continue its key/value cache).
 */
@ParameterizedClass(name = "{0}")
@FieldSource("org.circuitscope.lsp.TestModels#FAMILIES")
class LspFeaturesTest {
    /** The family this invocation runs on (also handed to {@link #start}). */
    @Parameter String family;
    static Path tmp;
    static Path modelDir;
    static LoadedModel model;
    static LspFixture f;

    @BeforeParameterizedClassInvocation
    static void start(String family) throws Exception {
        tmp = java.nio.file.Files.createTempDirectory("lsp-features-" + family);
        modelDir = TestModels.write(tmp, "m2", family, 2, 64, 7);
        model = ModelDirectory.load(modelDir);
        // As VS Code's extension: pictures in webviews, so links are command: URIs (LspViewerTest has the others).
        JsonObject settings = LspFixture.settingsWithModel(modelDir);
        settings.addProperty("pictures", "webview");
        f = new LspFixture(settings, List.of("utf-16"));
    }

    @AfterParameterizedClassInvocation
    static void stop() throws Exception {
        f.close();
        model.close();
        try (var files = java.nio.file.Files.walk(tmp)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** [BOS] + the body's byte tokens, from the tokenizer directly. */
    static int[] ids(String body) {
        int[] b = model.tokenizer().orElseThrow().encode(body).ids();
        int[] out = new int[b.length + 1];
        out[0] = model.tokenizer().orElseThrow().bosId().getAsInt();
        System.arraycopy(b, 0, out, 1, b.length);
        return out;
    }

    static double number(String md, String regex) {
        Matcher m = Pattern.compile(regex).matcher(md);
        assertTrue(m.find(), "no match for " + regex + " in:\n" + md);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void hoverGivesTheTokensProbabilitySurprisalAndRankUnderADirectForwardPass() throws Exception {
        String md = assertHover(f, "abcab|c", contains("`\"c\"`"), contains("surprisal"), contains("| head | direct logit |"));
        int[] ids = ids("abcabc");
        double[] lp = Reference.logSoftmax(model.transformer().forward(ids), 5);
        double p = Math.exp(lp[ids[6]]);
        double shown = number(md, "p = ([0-9.eE+-]+)%");
        assertEquals(100 * p, shown, Math.max(0.051, 100 * p * 0.006), "probability of 'c' after 'abcab'");
        assertEquals(-lp[ids[6]] / Math.log(2), number(md, "surprisal ([0-9.]+) bits"), 0.006, "surprisal in bits");
        assertEquals(Reference.rank(lp, ids[6]), (int) number(md, "rank ([0-9]+)"), "rank");
        assertTrue(md.contains("token id " + ids[6]), "token id " + ids[6] + " in:\n" + md);
        // As the hover shows a token: partial UTF-8 and control bytes as <0xNN>.
        String top = model.tokenizer().orElseThrow().label(Reference.argmax(lp));
        int table = md.indexOf("| top 5");
        assertTrue(md.indexOf("| `" + Show.token(top) + "`", table) > table, "the top prediction " + top + " heads the table:\n" + md);
        assertTrue(md.contains("command:circuitscope.inspectHead?"), "inspect link:\n" + md);
    }

    @Test
    void aHoverRightAfterAnEditAtTheEndEqualsTheHoverOnceTheEditIsAnalysedAndADirectForwardPass() throws Exception {
        String text = "abcabcab";
        String uri = f.open(text);
        f.diagnostics(uri, 1);
        var svc = f.remote.getTextDocumentService();
        for (int v = 2; v <= 6; v++) {
            // Append a character, then hover on it at once: the server may answer before the pass over it ends.
            String c = String.valueOf("cabxa".charAt(v - 2));
            Position end = new Position(0, text.length());
            svc.didChange(new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(uri, v),
                    List.of(new TextDocumentContentChangeEvent(new Range(end, end), c))));
            text += c;
            HoverParams at = new HoverParams(new TextDocumentIdentifier(uri), new Position(0, text.length() - 1));
            String early = svc.hover(at).get(20, TimeUnit.SECONDS).getContents().getRight().getValue();
            f.diagnostics(uri, v);
            String settled = svc.hover(at).get(20, TimeUnit.SECONDS).getContents().getRight().getValue();
            assertEquals(settled, early, "version " + v + ": the same card before and after the pass over the new token");
            int[] ids = ids(text);
            double[] lp = Reference.logSoftmax(model.transformer().forward(ids), ids.length - 2);
            assertEquals(100 * Math.exp(lp[ids[ids.length - 1]]), number(early, "p = ([0-9.eE+-]+)%"),
                    Math.max(0.051, 100 * Math.exp(lp[ids[ids.length - 1]]) * 0.006), "version " + v + ": probability of the new token");
        }
    }

    @Test
    void hoverRangeMapsExactlyAfterEmojiCjkAndCrlf() throws Exception {
        String text = "日本 😀\r\nx😀y|z";
        Hover h = hover(f, text);
        assertNotNull(h);
        Cursor c = Cursor.parse(text);
        assertEquals(c.position(), h.getRange().getStart(), "start of 'z'");
        assertEquals(utf16(c.text(), c.offset() + 1), h.getRange().getEnd(), "end of 'z'");
        assertTrue(h.getContents().getRight().getValue().contains("`\"z\"`"));
    }

    @Test
    void hoverOnAnEmojiByteTokenCoversTheWholeEmoji() throws Exception {
        Hover h = hover(f, "ab|😀c");
        assertNotNull(h);
        assertEquals(2, h.getRange().getEnd().getCharacter() - h.getRange().getStart().getCharacter(), "an emoji is two UTF-16 units");
    }

    @Test
    void noHoverInFrontMatterOrOutsideTheDocument() throws Exception {
        assertNoHover(f, "---\nother: |1\n---\nabc");
        String uri = f.open("abc");
        var svc = f.remote.getTextDocumentService();
        assertNull(svc.hover(new org.eclipse.lsp4j.HoverParams(new org.eclipse.lsp4j.TextDocumentIdentifier(uri),
                new org.eclipse.lsp4j.Position(7, 0))).get(), "line 7 of a one-line document");
        assertNull(svc.hover(new org.eclipse.lsp4j.HoverParams(new org.eclipse.lsp4j.TextDocumentIdentifier(uri),
                new org.eclipse.lsp4j.Position(0, 99))).get(), "past the end of the only line");
    }

    @Test
    void frontMatterBodyIsWhatIsAnalysed() throws Exception {
        String md = assertHover(f, "---\ntitle: x\ncircuitscope:\n  annotations: off\n---\nab|c", contains("`\"c\"`"));
        int[] ids = ids("abc");
        double[] lp = Reference.logSoftmax(model.transformer().forward(ids), 2);
        double p = Math.exp(lp[ids[3]]);
        assertEquals(100 * p, number(md, "p = ([0-9.eE+-]+)%"), Math.max(0.051, 100 * p * 0.006), "the body alone, with BOS, is the prompt");
    }

    @Test
    void surprisalInlayHintsFollowEachTokenWithItsSurprisal() throws Exception {
        String body = "abab\nba";
        List<InlayHint> hints = inlays(f, body);
        int[] ids = ids(body);
        Tensor logits = model.transformer().forward(ids);
        assertEquals(ids.length - 1, hints.size(), "one hint per scored token");
        for (int p = 1; p < ids.length; p++) {
            double bits = -Reference.logSoftmax(logits, p - 1)[ids[p]] / Math.log(2);
            InlayHint h = hints.get(p - 1);
            assertEquals(String.format(Locale.ROOT, "%.1fb", bits), h.getLabel().getLeft(), "hint of token " + p);
            assertEquals(utf16(body, p), h.getPosition(), "hint " + p + " sits after its token");
        }
    }

    @Test
    void annotationModesChangeTheHints() throws Exception {
        List<InlayHint> off = inlays(f, "---\ncircuitscope:\n  annotations: off\n---\nabc");
        assertTrue(off.isEmpty(), "off shows nothing: " + off);
        List<InlayHint> heads = inlays(f, "---\ncircuitscope:\n  annotations: top-head\n---\nabc");
        assertEquals(3, heads.size());
        for (InlayHint h : heads) assertTrue(h.getLabel().getLeft().matches("L[01]H[0-3] [+-]\\d+\\.\\d\\d"), h.getLabel().getLeft());
        List<InlayHint> src = inlays(f, "---\ncircuitscope:\n  annotations: top-source\n---\nabc");
        assertEquals(3, src.size());
        for (InlayHint h : src) assertTrue(h.getLabel().getLeft().matches("←\".*\" L[01]H[0-3]"), h.getLabel().getLeft());
    }

    @Test
    void semanticTokensGiveEachTokenItsSurprisalLevelSplitAtLineEnds() throws Exception {
        String body = "ab\ncd";
        List<Integer> data = semanticTokens(f, body);
        int[] ids = ids(body);
        Tensor logits = model.transformer().forward(ids);
        // Tokens a, b, \n (empty on its line: skipped), c, d.
        int[][] expect = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
        int[] pos = {1, 2, 4, 5};
        assertEquals(4 * 5, data.size(), "four visible one-character tokens: " + data);
        int line = 0, ch = 0;
        for (int i = 0; i < 4; i++) {
            line += data.get(5 * i);
            ch = data.get(5 * i) == 0 ? ch + data.get(5 * i + 1) : data.get(5 * i + 1);
            assertEquals(expect[i][0], line, "line of token " + i);
            assertEquals(expect[i][1], ch, "column of token " + i);
            assertEquals(1, data.get(5 * i + 2), "length");
            double bits = -Reference.logSoftmax(logits, pos[i] - 1)[ids[pos[i]]] / Math.log(2);
            int level = bits < 1 ? 0 : bits < 3 ? 1 : bits < 6 ? 2 : bits < 10 ? 3 : 4;
            assertEquals(level, data.get(5 * i + 3), "level of token " + i + " (" + bits + " bits)");
        }
        assertEquals(SemanticTokensFeature.TYPES, f.init.getCapabilities().getSemanticTokensProvider().getLegend().getTokenTypes());
    }

    @Test
    void codeLensShowsTheModelAndTheMeanLoss() throws Exception {
        String body = "hello world";
        String uri = f.open(body);
        var lenses = f.remote.getTextDocumentService().codeLens(new org.eclipse.lsp4j.CodeLensParams(
                new org.eclipse.lsp4j.TextDocumentIdentifier(uri))).get();
        int[] ids = ids(body);
        Tensor logits = model.transformer().forward(ids);
        double loss = 0;
        for (int p = 1; p < ids.length; p++) loss -= Reference.logSoftmax(logits, p - 1)[ids[p]];
        loss /= ids.length - 1;
        String title = lenses.get(0).getCommand().getTitle();
        assertTrue(title.startsWith("m2 · mean loss " + String.format(Locale.ROOT, "%.3f", loss) + " nats"), title);
        assertEquals(List.of("", CommandIds.DETECT_HEADS, CommandIds.ATTENTION_PATTERN, CommandIds.PATH_EXPANSION),
                lenses.stream().map(l -> l.getCommand().getCommand()).toList());
    }

    @Test
    void completionOffersTheNextTokenDistributionMostLikelyFirst() throws Exception {
        CompletionList list = complete(f, "the cat|");
        int[] ids = ids("the cat");
        double[] lp = Reference.logSoftmax(model.transformer().forward(ids), ids.length - 1);
        assertFalse(list.getItems().isEmpty());
        // The most likely token that is a whole character comes first.
        int best = -1;
        for (int i = 0; i < lp.length; i++) {
            String t = model.tokenizer().orElseThrow().tokenText(i);
            if (!t.isEmpty() && t.indexOf('\uFFFD') < 0 && (best < 0 || lp[i] > lp[best])) best = i;
        }
        CompletionItem first = list.getItems().get(0);
        String text = first.getTextEdit().getLeft().getNewText();
        assertEquals(model.tokenizer().orElseThrow().tokenText(best), text);
        assertTrue(first.getDetail().startsWith("p = "), first.getDetail());
    }

    @Test
    void completionInTheMiddleOfTheTextRunsTheModelOnThePrefix() throws Exception {
        CompletionList list = complete(f, "xy|zzz");
        int[] ids = ids("xy");
        double[] lp = Reference.logSoftmax(model.transformer().forward(ids), ids.length - 1);
        String firstText = list.getItems().get(0).getTextEdit().getLeft().getNewText();
        int id = model.tokenizer().orElseThrow().encode(firstText).ids()[0];
        for (CompletionItem it : list.getItems()) {
            int other = model.tokenizer().orElseThrow().encode(it.getTextEdit().getLeft().getNewText()).ids()[0];
            assertTrue(lp[id] >= lp[other], "items ordered by the prefix's next-token log-probability");
        }
    }
}

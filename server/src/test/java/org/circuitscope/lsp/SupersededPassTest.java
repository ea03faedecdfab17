package org.circuitscope.lsp;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.circuitscope.engine.Analysis;
import org.circuitscope.engine.Analyzer;
import org.circuitscope.engine.FrontMatter;
import org.circuitscope.engine.ModelHandle;
import org.circuitscope.engine.PromptDocument;
import org.circuitscope.engine.PromptRun;
import org.circuitscope.engine.PromptWorkspace;
import org.circuitscope.engine.Settings;
import org.circuitscope.engine.TextChange;
import org.circuitscope.engine.TextPosition;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.io.ModelDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An edit that comes while the previous version's pass is past its blocks (its card run out,
 * the unembedding still going): the new version continues that pass's rows rather than
 * computing the whole prompt again. In the editor: open a long prompt, hover, type at once.
 */
class SupersededPassTest {
    @TempDir Path tmp;

    @Test
    void anEditDuringTheUnembeddingOfAFreshDocumentsPassComputesOnlyTheNewTokens() throws Exception {
        Path model = TestModels.write(tmp, "superseded", 2, false, 512, 9);
        String typed = " And";
        Analysis second = editDuringTheUnembedding(model, text -> new TextChange(new TextPosition(0, text.length()), new TextPosition(0, text.length()), typed));
        PromptRun run = second.run();
        int n = run.length();
        assertTrue(n > 100, "a prompt of " + n + " tokens");
        // At most the typed characters' tokens are new (the test tokenizer has no merges: one token a byte).
        assertTrue(n - run.acts().computedFrom() <= typed.length(),
                "version 2 computed from position " + run.acts().computedFrom() + " of " + n + ": version 1's rows were thrown away");
        assertSameScoresAsAPassFromScratch(model, second);
    }

    @Test
    void anEditAtTheStartDuringTheUnembeddingComputesTheWholePromptRight() throws Exception {
        Path model = TestModels.write(tmp, "superseded-start", 2, false, 512, 10);
        Analysis second = editDuringTheUnembedding(model, text -> new TextChange(new TextPosition(0, 0), new TextPosition(0, 1), "A"));
        assertEquals(0, second.run().acts().computedFrom(), "the first token changed");
        assertSameScoresAsAPassFromScratch(model, second);
    }

    /**
     * Opens a 400-character prompt, holds a hover answered from its card run (while that hover
     * works, the pass, past its blocks, gives way at its checkpoints, so the edit comes during the
     * unembedding), makes {@code change} of the text, and returns version 2's analysis.
     */
    private Analysis editDuringTheUnembedding(Path model, java.util.function.Function<String, TextChange> change) throws Exception {
        LinkedBlockingQueue<Analysis> analysed = new LinkedBlockingQueue<>();
        try (PromptWorkspace ws = new PromptWorkspace(new PromptWorkspace.Listener() {
            @Override public void analysed(Analysis a) { analysed.add(a); }
            @Override public AutoCloseable progress(String title) { return () -> {}; }
        })) {
            JsonObject s = new JsonObject();
            s.addProperty("defaultModel", model.toString());
            ws.setSettings(Settings.defaults().with(s));
            String uri = "file:///tmp/superseded.prompt";
            String text = "the cat sat on the mat and the dog sat on the log. ".repeat(8).strip();
            ws.open(new PromptDocument(uri, "prompt", 1, text));
            CountDownLatch reached = new CountDownLatch(1), release = new CountDownLatch(1);
            var hover = ws.requestEarly(uri, null, a -> true, (a, cancel) -> {
                reached.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return a.run().length();
            });
            assertTrue(reached.await(60, TimeUnit.SECONDS), "the card run answered the hover");
            ws.change(uri, 2, List.of(change.apply(text)));
            release.countDown();
            try {
                hover.get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException superseded) {
                // answered for version 1 or not at all: either is right here
            }
            for (Analysis a; (a = analysed.poll(60, TimeUnit.SECONDS)) != null; ) {
                if (a.doc().version() == 2) return a;
            }
            return fail("version 2 was not analysed");
        }
    }

    /** The run's scores equal a pass of its version from scratch (float32 sums in another order: 1e-4). */
    private static void assertSameScoresAsAPassFromScratch(Path model, Analysis a) throws Exception {
        try (LoadedModel m = ModelDirectory.load(model)) {
            PromptDocument doc = a.doc();
            PromptRun fresh = Analyzer.analyze(doc, FrontMatter.parse(doc.text()), new ModelHandle(m, 0), a.run().bos(), 1 << 24, null, () -> {});
            assertArrayEqualsWithin(fresh, a.run());
        }
    }

    private static void assertArrayEqualsWithin(PromptRun want, PromptRun got) {
        assertArrayEquals(want.ids(), got.ids());
        for (int p = 1; p < want.length(); p++) {
            assertEquals(want.logProbAt(p), got.logProbAt(p), 1e-4, "log P at " + p);
            assertEquals(want.rankAt(p), got.rankAt(p), "rank at " + p);
        }
    }
}

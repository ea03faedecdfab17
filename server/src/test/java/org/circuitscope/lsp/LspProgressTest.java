package org.circuitscope.lsp;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.circuitscope.lsp.protocol.CommandIds;
import org.eclipse.lsp4j.ExecuteCommandParams;
import org.eclipse.lsp4j.ProgressParams;
import org.eclipse.lsp4j.WorkDoneProgressBegin;
import org.eclipse.lsp4j.WorkDoneProgressEnd;
import org.eclipse.lsp4j.WorkDoneProgressNotification;
import org.eclipse.lsp4j.WorkDoneProgressReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code $/progress}: model loading and long analyses are reported as begin … end to a client that supports it. */
class LspProgressTest {
    @TempDir Path tmp;

    @Test
    void modelLoadingAndALongAnalysisReportBeginThenEnd() throws Exception {
        Path model = TestModels.write(tmp, "progress", 1, true, 64, 11);
        try (LspFixture f = new LspFixture(LspFixture.settingsWithModel(model), List.of())) {
            String shortDoc = f.open("a short prompt");
            f.diagnostics(shortDoc, 1);
            assertBeganAndEnded(f.client.progress, "Loading model");
            assertTrue(titles(f.client.progress).stream().noneMatch(t -> t.startsWith("Analysing")),
                    "a short prompt is analysed without progress: " + titles(f.client.progress));

            String longDoc = f.open("the model reads this line again and again. ".repeat(600));
            f.diagnostics(longDoc, 1);
            assertBeganAndEnded(f.client.progress, "Analysing");
        }
    }

    /**
     * A command that computes a model's composition scores the first time reports them as
     * begin, rising percentages (one step per earlier layer: 50 then 100 with three layers), end;
     * the second time they are memoised and report nothing.
     */
    @Test
    void compositionScoresReportTheirShareDoneOnce() throws Exception {
        Path model = TestModels.write(tmp, "three", 3, true, 64, 12);
        try (LspFixture f = new LspFixture(LspFixture.settingsWithModel(model), List.of())) {
            String doc = f.open("a prompt");
            f.diagnostics(doc, 1);
            JsonObject arg = new JsonObject();
            arg.addProperty("uri", doc);
            f.remote.getWorkspaceService().executeCommand(new ExecuteCommandParams(CommandIds.COMPOSITION_SCORES, List.of(arg))).get(60, TimeUnit.SECONDS);
            assertBeganAndEnded(f.client.progress, "Composition scores of three");
            Object token = tokenOf(f.client.progress, "Composition scores of three");
            List<Integer> percents = f.client.progress.stream().filter(p -> p.getToken().get().equals(token))
                    .map(p -> p.getValue().getLeft()).filter(n -> n instanceof WorkDoneProgressReport)
                    .map(n -> ((WorkDoneProgressReport) n).getPercentage()).toList();
            assertEquals(List.of(50, 100), percents, "a report per earlier layer");
            int before = f.client.progress.size();
            f.remote.getWorkspaceService().executeCommand(new ExecuteCommandParams(CommandIds.COMPOSITION_SCORES, List.of(arg))).get(60, TimeUnit.SECONDS);
            assertTrue(f.client.progress.subList(before, f.client.progress.size()).stream().noneMatch(p -> p.getValue().getLeft() instanceof WorkDoneProgressBegin b
                    && b.getTitle().startsWith("Composition")), "memoised scores are not computed again");
        }
    }

    private static Object tokenOf(List<ProgressParams> events, String prefix) {
        return events.stream().filter(p -> p.getValue().getLeft() instanceof WorkDoneProgressBegin b && b.getTitle().startsWith(prefix))
                .findFirst().orElseThrow().getToken().get();
    }

    private static List<String> titles(List<ProgressParams> events) {
        return events.stream().map(p -> p.getValue().getLeft()).filter(n -> n instanceof WorkDoneProgressBegin)
                .map(n -> ((WorkDoneProgressBegin) n).getTitle()).toList();
    }

    /** A begin whose title starts with {@code prefix}, and later an end with the same token. */
    private static void assertBeganAndEnded(List<ProgressParams> events, String prefix) {
        List<ProgressParams> all = List.copyOf(events);
        for (int i = 0; i < all.size(); i++) {
            WorkDoneProgressNotification n = all.get(i).getValue().getLeft();
            if (n instanceof WorkDoneProgressBegin b && b.getTitle().startsWith(prefix)) {
                Object token = all.get(i).getToken().get();
                boolean ended = all.subList(i + 1, all.size()).stream()
                        .anyMatch(p -> p.getToken().get().equals(token) && p.getValue().getLeft() instanceof WorkDoneProgressEnd);
                assertTrue(ended, "progress '" + b.getTitle() + "' began and never ended: " + all);
                return;
            }
        }
        fail("no progress began with '" + prefix + "'; titles: " + titles(all));
    }
}

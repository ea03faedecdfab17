package org.circuitscope.lsp;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import org.eclipse.lsp4j.ProgressParams;
import org.eclipse.lsp4j.WorkDoneProgressBegin;
import org.eclipse.lsp4j.WorkDoneProgressEnd;
import org.eclipse.lsp4j.WorkDoneProgressNotification;
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

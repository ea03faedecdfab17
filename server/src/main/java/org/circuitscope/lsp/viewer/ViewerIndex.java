package org.circuitscope.lsp.viewer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.circuitscope.engine.LineIndex;
import org.circuitscope.engine.PromptRun;
import org.circuitscope.engine.PromptWorkspace;

/** Collects the index's entries: each open document with its current analysis, in parallel, each within the time limit. */
final class ViewerIndex {
    private final PromptWorkspace ws;

    ViewerIndex(PromptWorkspace ws) { this.ws = ws; }

    List<IndexEntry> entries(long timeoutMs) {
        List<String> uris = ws.uris().stream().sorted().toList();
        List<CompletableFuture<IndexEntry>> pending = new ArrayList<>();
        for (String uri : uris) {
            pending.add(ws.request(uri, new IndexEntry(uri, null, 0, null, "closed"), (a, cancel) -> {
                PromptRun run = a.run();
                if (run == null) return new IndexEntry(uri, null, 0, null, a.problem() != null ? a.problem().getMessage() : "the prompt is empty");
                LineIndex idx = new LineIndex(run.doc().text(), ws.encoding());
                return new IndexEntry(uri, run.model().name(), run.model().config().nLayers(),
                        run.length() == 0 ? null : idx.position(run.starts()[run.length() - 1]), null);
            }));
        }
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        List<IndexEntry> out = new ArrayList<>();
        for (int i = 0; i < uris.size(); i++) {
            try {
                out.add(pending.get(i).get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (Exception e) {
                pending.get(i).cancel(true);
                out.add(new IndexEntry(uris.get(i), null, 0, null, "its analysis is not ready"));
            }
        }
        return out;
    }
}

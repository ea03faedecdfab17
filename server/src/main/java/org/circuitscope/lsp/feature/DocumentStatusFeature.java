package org.circuitscope.lsp.feature;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.concurrent.CompletableFuture;
import org.circuitscope.engine.PromptRun;
import org.circuitscope.engine.PromptWorkspace;
import org.circuitscope.lsp.protocol.Answers;
import org.circuitscope.lsp.protocol.CommandIds;
import org.circuitscope.lsp.protocol.Params;

/**
 * {@code circuitscope/documentStatus}: a document's model, token count and mean loss, or why it
 * has no analysis, as data for a status bar (clients used to parse the code lens title).
 */
public final class DocumentStatusFeature {
    private DocumentStatusFeature() {}

    /**
     * @param model     null when no model could be used ({@code problem} says why)
     * @param n_tokens  tokens analysed (BOS included when prepended)
     * @param scored    tokens with a prediction before them
     * @param mean_loss mean next-token loss in nats over the scored tokens; null when none is scored
     * @param backend   where the forward pass ran ("simd on cpu", "djl on gpu(0)"); null without a run
     */
    public record DocumentStatus(String uri, int version, String model, int n_tokens, int scored, Double mean_loss, String problem, String backend) {}

    public static CompletableFuture<DocumentStatus> status(PromptWorkspace ws, JsonElement params) {
        try {
            JsonObject o = Params.object(CommandIds.DOCUMENT_STATUS, params);
            String uri = Params.string(o, "uri", CommandIds.DOCUMENT_STATUS);
            if (ws.document(uri) == null) throw Params.invalid(CommandIds.DOCUMENT_STATUS + ": the document " + uri + " is not open");
            return Answers.of(ws.request(uri, null, (a, cancel) -> {
                PromptRun run = a.run();
                String problem = a.problem() != null ? a.problem().getMessage() : null;
                if (run == null) return new DocumentStatus(uri, a.doc().version(), null, 0, 0, null, problem, null);
                int scored = Math.max(0, run.length() - 1);
                return new DocumentStatus(uri, a.doc().version(), run.model().name(), run.length(), scored,
                        scored == 0 ? null : run.meanLoss(), problem, run.model().backendLabel());
            }));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}

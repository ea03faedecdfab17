package org.circuitscope.lsp.viewer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.circuitscope.engine.PromptWorkspace;
import org.circuitscope.lsp.protocol.CommandIds;
import org.circuitscope.lsp.protocol.Params;
import org.circuitscope.lsp.protocol.Snippet;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;

/**
 * {@code circuitscope.show {view, uri, ...the view's args}}: answers {@code {url}}, the viewer's
 * page of that view, and hands the URL to {@code open} (the server sends
 * {@code window/showDocument {uri, external: true}}). Checked before anything opens: the viewer is
 * on, {@code view} has a page, the document is open; the view's own arguments are checked when
 * the page is drawn.
 */
public final class ShowCommand {
    private final Viewer viewer;
    private final PromptWorkspace ws;
    private final Consumer<String> open;

    public ShowCommand(Viewer viewer, PromptWorkspace ws, Consumer<String> open) {
        this.viewer = viewer;
        this.ws = ws;
        this.open = open;
    }

    public CompletableFuture<Object> execute(JsonElement argument) {
        try {
            String id = CommandIds.SHOW;
            if (!viewer.settings().enabled()) {
                throw new ResponseErrorException(new ResponseError(ResponseErrorCode.InvalidRequest,
                        id + ": the picture viewer is off; set circuitscope.viewer.enabled to true to open pictures in the browser", null));
            }
            JsonObject o = Params.object(id, argument);
            String view = Params.string(o, "view", id);
            if (!viewer.pages().has(view)) throw viewer.pages().noSuchView("view", view);
            String uri = Params.string(o, "uri", id);
            if (ws.document(uri) == null) throw Params.invalid(id + ": the document " + Snippet.of(uri) + " is not open (send didOpen first)");
            JsonObject args = o.deepCopy();
            args.remove("view");
            String url = url(view, args);
            open.accept(url);
            JsonObject answer = new JsonObject();
            answer.addProperty("url", url);
            return CompletableFuture.completedFuture(answer);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private String url(String view, JsonObject args) {
        try {
            return viewer.url(view, args);
        } catch (IOException | IllegalStateException e) {
            throw Params.failed(CommandIds.SHOW + ": the picture viewer could not start: " + e.getMessage());
        }
    }
}

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
 * {@code window/showDocument {uri, external: true}}); without {@code view}, the viewer's index of
 * the open documents. Checked before anything opens: the viewer is on, {@code view} has a page, the
 * document is open; the view's own arguments are checked when the page is drawn.
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
            JsonObject o = argument == null || argument.isJsonNull() ? new JsonObject() : Params.object(id, argument);
            String url = o.has("view") ? viewUrl(id, o) : index();
            open.accept(url);
            JsonObject answer = new JsonObject();
            answer.addProperty("url", url);
            return CompletableFuture.completedFuture(answer);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The page of {@code view} with the rest of {@code o} as its arguments. */
    private String viewUrl(String id, JsonObject o) {
        String view = Params.string(o, "view", id);
        if (!viewer.pages().has(view)) throw viewer.pages().noSuchView("view", view);
        String uri = Params.string(o, "uri", id);
        if (ws.document(uri) == null) throw Params.invalid(id + ": the document " + Snippet.of(uri) + " is not open (send didOpen first)");
        JsonObject args = o.deepCopy();
        args.remove("view");
        try {
            return viewer.url(view, args);
        } catch (IOException | IllegalStateException e) {
            throw unavailable(e);
        }
    }

    /** The viewer's index of the open documents ({@code circuitscope.show} without a view). */
    private String index() {
        try {
            return viewer.running().indexUrl();
        } catch (IOException | IllegalStateException e) {
            throw unavailable(e);
        }
    }

    private static RuntimeException unavailable(Exception e) {
        return Params.failed(CommandIds.SHOW + ": the picture viewer could not start: " + e.getMessage());
    }
}

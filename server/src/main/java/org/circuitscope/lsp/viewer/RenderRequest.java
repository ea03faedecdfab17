package org.circuitscope.lsp.viewer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.circuitscope.lsp.protocol.CommandIds;
import org.circuitscope.lsp.protocol.Params;
import org.circuitscope.view.PageOptions;

/**
 * {@code circuitscope/render {command, args, nonce?}} → {@code {title, html}}: the page a webview
 * shows, its inline style and script carrying the editor's nonce. A command that fails is its error
 * page; only a request that names no view, or malformed params, is an error (InvalidParams).
 */
public final class RenderRequest {
    /** What a nonce may be: it lands in attributes and the page's policy. */
    private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9+/=_-]{8,128}");

    private final ViewPages pages;

    public RenderRequest(ViewPages pages) { this.pages = pages; }

    public CompletableFuture<Object> render(JsonElement params) {
        try {
            String method = CommandIds.RENDER;
            JsonObject o = Params.object(method, params);
            String command = Params.string(o, "command", method);
            if (!pages.has(command)) throw pages.noSuchView("command", command);
            JsonElement args = o.get("args");
            if (args == null || !args.isJsonObject()) throw Params.invalid(method + ": 'args' must be the command's JSON object, e.g. {\"uri\": \"file:///…/a.prompt\"}");
            String nonce = Params.optString(o, "nonce", method);
            if (nonce != null && !NONCE.matcher(nonce).matches()) {
                throw Params.invalid(method + ": 'nonce' must be 8 to 128 letters, digits or + / = _ -");
            }
            return pages.render(command, args.getAsJsonObject(), PageOptions.webview(nonce)).thenApply(r -> {
                JsonObject page = new JsonObject();
                page.addProperty("title", r.page().title());
                page.addProperty("html", r.page().html());
                return page;
            });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}

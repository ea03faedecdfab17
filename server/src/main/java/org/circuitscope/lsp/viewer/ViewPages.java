package org.circuitscope.lsp.viewer;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.circuitscope.lsp.command.CommandRegistry;
import org.circuitscope.lsp.protocol.Params;
import org.circuitscope.lsp.protocol.Snippet;
import org.circuitscope.view.Page;
import org.circuitscope.view.PageOptions;
import org.circuitscope.view.Pages;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;

/**
 * A view's page: runs the command as {@code workspace/executeCommand} would and draws its answer;
 * a command that fails becomes the error page with its message, so every caller (the
 * {@code circuitscope/render} request, the HTTP viewer) gets a page.
 */
public final class ViewPages {
    private static final Logger LOG = Logger.getLogger(ViewPages.class.getName());
    private static final Gson GSON = new Gson();

    private final CommandRegistry commands;

    public ViewPages(CommandRegistry commands) { this.commands = commands; }

    /** Whether {@code command} is a command of this server that has a page. */
    public boolean has(String command) { return command != null && Pages.drawable(command) && commands.ids().contains(command); }

    /** The page of {@code command} run with {@code args}; never fails (an unknown command is the error page, 404). */
    public CompletableFuture<ViewResult> render(String command, JsonObject args, PageOptions options) {
        if (!has(command)) {
            return CompletableFuture.completedFuture(new ViewResult(error(command, "there is no view " + Snippet.of(command), options), 404));
        }
        CompletableFuture<Object> answer;
        try {
            answer = commands.execute(command, args);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.handle((result, failure) -> failure == null ? draw(command, args, result, options) : failed(command, failure, options));
    }

    private ViewResult draw(String command, JsonObject args, Object result, PageOptions options) {
        try {
            JsonElement json = result instanceof JsonElement j ? j : GSON.toJsonTree(result);
            return new ViewResult(Pages.render(command, args, json, options), 200);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "drawing " + command + " failed", e);
            return new ViewResult(error(command, "circuitscope failed to draw this view; the server's log says why", options), 500);
        }
    }

    private static ViewResult failed(String command, Throwable failure, PageOptions options) {
        Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (t instanceof ResponseErrorException r) {
            boolean badArgs = r.getResponseError().getCode() == ResponseErrorCode.InvalidParams.getValue();
            return new ViewResult(error(command, r.getResponseError().getMessage(), options), badArgs ? 400 : 500);
        }
        if (t instanceof CancellationException) return new ViewResult(error(command, command + " was cancelled", options), 500);
        LOG.log(Level.WARNING, command + " failed", t);
        return new ViewResult(error(command, command + " failed; the server's log says why", options), 500);
    }

    static Page error(String command, String message, PageOptions options) {
        return Pages.error(command == null ? "circuitscope" : command, message, options);
    }

    /** InvalidParams for a command with no view, naming the ones that have one. */
    public ResponseErrorException noSuchView(String field, String command) {
        return Params.invalid("'" + field + "' must be a command with a view (" + String.join(", ", commands.ids().stream().filter(this::has).toList())
                + "); got " + Snippet.of(command));
    }
}

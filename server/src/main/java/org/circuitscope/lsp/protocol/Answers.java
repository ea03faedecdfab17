package org.circuitscope.lsp.protocol;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.circuitscope.engine.AnalysisFailedException;
import org.circuitscope.engine.ContentModifiedException;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;

/**
 * Turns the engine's outcomes into LSP answers: a changed document is {@code ContentModified},
 * a bad argument found by an analysis {@code InvalidParams}, a cancellation stays one (LSP4J
 * answers {@code RequestCancelled}), and anything else is our bug: {@code InternalError} with a
 * short message, its stack trace in the log only.
 */
public final class Answers {
    private static final Logger LOG = Logger.getLogger(Answers.class.getName());

    private Answers() {}

    /**
     * The answer to a request whose work is {@code work}; cancelling the answer (LSP4J does on
     * {@code $/cancelRequest}) cancels the work.
     */
    public static <T> CompletableFuture<T> of(CompletableFuture<T> work) {
        CompletableFuture<T> out = new CompletableFuture<>();
        work.whenComplete((r, e) -> {
            if (e == null) out.complete(r);
            else out.completeExceptionally(toLsp(e));
        });
        out.whenComplete((r, e) -> {
            if (out.isCancelled()) work.cancel(true);
        });
        return out;
    }

    static Throwable toLsp(Throwable e) {
        Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (t instanceof ResponseErrorException) return t;
        if (t instanceof ContentModifiedException) return error(ResponseErrorCode.ContentModified, t.getMessage());
        if (t instanceof CancellationException) return t;
        if (t instanceof IllegalArgumentException || t instanceof IndexOutOfBoundsException) {
            return error(ResponseErrorCode.InvalidParams, Snippet.of(t.getMessage(), 200));
        }
        LOG.log(Level.WARNING, "a request failed", t);
        String what = t instanceof AnalysisFailedException ? t.getMessage() : "circuitscope failed to answer";
        return error(ResponseErrorCode.InternalError, what + "; the server's log says why");
    }

    private static ResponseErrorException error(ResponseErrorCode code, String message) {
        return new ResponseErrorException(new ResponseError(code, message, null));
    }
}

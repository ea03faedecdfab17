package org.circuitscope.lsp.transport;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;

/**
 * The error a request gets when its handler throws (LSP4J's exception handler): a method the
 * server does not offer is −32601; our own bugs −32603 with a short message, never the stack
 * trace (that goes to the log).
 */
public final class ServerErrors {
    private static final Logger LOG = Logger.getLogger(ServerErrors.class.getName());

    private ServerErrors() {}

    public static ResponseError toResponseError(Throwable thrown) {
        Throwable t = thrown instanceof CompletionException && thrown.getCause() != null ? thrown.getCause() : thrown;
        if (t instanceof ResponseErrorException r) return r.getResponseError();
        if (t instanceof UnsupportedOperationException) {
            return new ResponseError(ResponseErrorCode.MethodNotFound, "circuitscope does not offer this method", null);
        }
        if (t instanceof CancellationException) return new ResponseError(ResponseErrorCode.RequestCancelled, "cancelled", null);
        LOG.log(Level.WARNING, "a request failed", t);
        return new ResponseError(ResponseErrorCode.InternalError, "circuitscope failed to answer; the server's log says why", null);
    }
}

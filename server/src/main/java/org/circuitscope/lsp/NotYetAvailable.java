package org.circuitscope.lsp;

/** An analysis this server build does not have yet; answered as a clear error, never as an empty result. */
public final class NotYetAvailable extends RuntimeException {
    public NotYetAvailable(String what) {
        super(what + " is not yet available in this build of circuitscope (the analysis is not wired into the server yet)");
    }
}

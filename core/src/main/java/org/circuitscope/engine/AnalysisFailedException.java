package org.circuitscope.engine;

/** A document's analysis failed for a reason that is our bug, not the user's (the cause is logged). */
public final class AnalysisFailedException extends RuntimeException {
    public AnalysisFailedException(String uri, Throwable cause) {
        super("the analysis of " + uri + " failed", cause);
    }
}

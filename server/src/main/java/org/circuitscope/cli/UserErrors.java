package org.circuitscope.cli;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Turns exceptions into the one line a user sees. */
final class UserErrors {
    private UserErrors() {}

    /** IO problems and bad arguments are the user's to fix; anything else is our bug. */
    static boolean isUserError(Throwable t) {
        return t instanceof IOException || t instanceof UncheckedIOException || t instanceof IllegalArgumentException;
    }

    static String message(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) m = t.getClass().getSimpleName();
        if (!isUserError(t)) m = "internal error: " + m + " (run with -Dcircuitscope.debug=true for a stack trace)";
        return m.replace('\n', ' ');
    }
}

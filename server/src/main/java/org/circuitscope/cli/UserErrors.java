package org.circuitscope.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Turns exceptions into the one line a user sees. */
final class UserErrors {
    private static final Pattern QUOTED = Pattern.compile("'([^']{" + (Text.INPUT_CHARS + 1) + ",}+)'");

    private UserErrors() {}

    /** IO problems and bad arguments are the user's to fix; anything else is our bug. */
    static boolean isUserError(Throwable t) {
        return t instanceof IOException || t instanceof UncheckedIOException || t instanceof IllegalArgumentException;
    }

    static String message(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) m = t.getClass().getSimpleName();
        if (!isUserError(t)) m = "internal error: " + m + " (run with -Dcircuitscope.debug=true for a stack trace)";
        return shortenQuoted(m.replace('\n', ' '));
    }

    /** Picocli's message for a bad command line and where to read about it, on one line as the README promises. */
    static String argumentMessage(CommandLine.ParameterException ex) {
        String m = ex.getMessage() == null ? "bad arguments" : ex.getMessage().strip();
        if (m.startsWith("Error: ")) m = m.substring("Error: ".length());
        return shortenQuoted(m.replaceAll("\\s*\\R\\s*", " ")) + "; see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'";
    }

    /**
     * Picocli and the core library quote input as {@code 'value'} without a limit; each such span
     * longer than an excerpt is cut to one, so no message repeats a pasted megabyte.
     */
    static String shortenQuoted(String m) {
        return QUOTED.matcher(m).replaceAll(r -> Matcher.quoteReplacement("'" + Text.excerpt(r.group(1)) + "'"));
    }
}

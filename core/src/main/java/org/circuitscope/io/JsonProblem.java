package org.circuitscope.io;

/**
 * Gson's parse failures in a user's words: the reason and its line and column, without the
 * exception class names Gson prefixes when it wraps, its advice to programmers (strictness
 * settings, a troubleshooting URL) or the JSON path, which repeats the input's key names.
 */
final class JsonProblem {
    private static final String STRICTNESS_ADVICE = "Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON";

    private JsonProblem() {}

    /**
     * Exactly one JSON value, strictly (no comments, NaN or trailing text): what every config
     * and index file must be. Throws what Gson throws; callers say which file in {@link #describe}'s words.
     */
    static com.google.gson.JsonElement parseStrict(String text) throws java.io.IOException {
        com.google.gson.stream.JsonReader reader = new com.google.gson.stream.JsonReader(new java.io.StringReader(text));
        reader.setStrictness(com.google.gson.Strictness.STRICT);
        com.google.gson.JsonElement e = com.google.gson.JsonParser.parseReader(reader);
        reader.peek(); // in strict mode, throws at the first character after the value
        return e;
    }

    /** "expected ':' at line 1 column 14", "end of input at line 1 column 32", ... */
    static String describe(Exception e) {
        Throwable t = e;
        // JsonSyntaxException wraps the reader's own exception and prefixes its class name.
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = String.valueOf(t.getMessage());
        int see = m.indexOf("\nSee https://");
        if (see >= 0) m = m.substring(0, see);
        // Gson says "malformed" for any character it did not expect: an unquoted word, NaN, trailing text, a comment.
        m = m.replace(STRICTNESS_ADVICE, "unexpected character");
        int column = m.lastIndexOf(" column ");
        int path = column < 0 ? -1 : m.indexOf(" path ", column);
        if (path >= 0) m = m.substring(0, path);
        m = m.strip().replace('\n', ' ');
        if (m.length() > 120) m = m.substring(0, 117) + "...";
        return m.isEmpty() ? m : Character.toLowerCase(m.charAt(0)) + m.substring(1);
    }
}

package org.circuitscope.intellij.lang;

/** What a stretch of a prompt file is, for highlighting. */
public enum TokenKind {
    /** A {@code ---} line opening or closing the front matter (with its line break). */
    DELIMITER,
    /** A front matter key, before its colon. */
    KEY,
    COLON,
    /** What follows the colon, to the end of the line. */
    VALUE,
    /** A front matter line starting with {@code #}. */
    COMMENT,
    /** A front matter line that is not {@code key: value}; shown plain (the server reports what is wrong with it). */
    OTHER,
    /** The prompt itself. */
    BODY
}

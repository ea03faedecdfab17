package org.circuitscope.intellij.lang;

/**
 * Where the scanner is. The IDE restarts a lexer at any token start with that token's state, so each state says all
 * that is needed to go on from there.
 */
public enum ScanState {
    /** The start of the file: front matter or not is decided here. */
    FILE_START,
    /** The start of a front matter line. */
    LINE_START,
    /** After a key: the colon comes next. */
    AFTER_KEY,
    /** After the colon: the value runs to the line's end. */
    AFTER_COLON,
    /** In the prompt, after the front matter or without one. */
    BODY;

    private static final ScanState[] ALL = values();

    public static ScanState of(int ordinal) {
        if (ordinal < 0 || ordinal >= ALL.length) throw new IllegalArgumentException("no scan state " + ordinal);
        return ALL[ordinal];
    }
}

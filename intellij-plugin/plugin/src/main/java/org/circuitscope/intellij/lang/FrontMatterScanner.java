package org.circuitscope.intellij.lang;

/**
 * Splits a prompt file into tokens for highlighting, one at a time: tokens cover the text without gaps, and a scan may
 * start at any token's start given that token's state. Front matter is what the server reads as front matter: the file
 * starts with a {@code ---} line and the block runs to the next {@code ---} line (or the end).
 */
public final class FrontMatterScanner {
    private final CharSequence text;
    private final int end;
    private int pos;
    private ScanState state;

    public FrontMatterScanner(CharSequence text, int start, int end, ScanState state) {
        if (start < 0 || end > text.length() || start > end) {
            throw new IllegalArgumentException("bad range [" + start + ", " + end + ") of a text of " + text.length());
        }
        this.text = text;
        this.pos = start;
        this.end = end;
        this.state = state;
    }

    /** The next token, or null at the end. */
    public FrontMatterToken next() {
        if (pos >= end) return null;
        int start = pos;
        ScanState at = state;
        TokenKind kind = switch (state) {
            case FILE_START -> fileStart();
            case LINE_START -> lineStart();
            case AFTER_KEY -> colon();
            case AFTER_COLON -> value();
            case BODY -> body();
        };
        return new FrontMatterToken(kind, start, pos, at);
    }

    private TokenKind fileStart() {
        if (isDelimiterLine(pos)) {
            pos = lineEnd(pos);
            state = ScanState.LINE_START;
            return TokenKind.DELIMITER;
        }
        return body();
    }

    private TokenKind lineStart() {
        int next = lineEnd(pos);
        if (isDelimiterLine(pos)) {
            pos = next;
            state = ScanState.BODY;
            return TokenKind.DELIMITER;
        }
        int first = pos;
        while (first < next && (text.charAt(first) == ' ' || text.charAt(first) == '\t')) first++;
        if (first < next && text.charAt(first) == '#') {
            pos = next;
            return TokenKind.COMMENT;
        }
        int colon = indexOf(':', pos, next);
        if (colon < 0) {
            pos = next;
            return TokenKind.OTHER;
        }
        if (colon == pos) return colon();
        pos = colon;
        state = ScanState.AFTER_KEY;
        return TokenKind.KEY;
    }

    private TokenKind colon() {
        pos++;
        state = ScanState.AFTER_COLON; // the value runs to the line's end, its line break included
        return TokenKind.COLON;
    }

    private TokenKind value() {
        pos = lineEnd(pos);
        state = ScanState.LINE_START;
        return TokenKind.VALUE;
    }

    private TokenKind body() {
        pos = end;
        state = ScanState.BODY;
        return TokenKind.BODY;
    }

    /** The position after the line at {@code from} and its line break (or the end). */
    private int lineEnd(int from) {
        int i = from;
        while (i < end && text.charAt(i) != '\n') i++;
        return i < end ? i + 1 : end;
    }

    /** Whether the line at {@code from} is {@code ---} (trailing blanks and a \r allowed). */
    private boolean isDelimiterLine(int from) {
        int e = lineEnd(from);
        if (e - from < 3 || text.charAt(from) != '-' || text.charAt(from + 1) != '-' || text.charAt(from + 2) != '-') return false;
        for (int i = from + 3; i < e; i++) {
            char c = text.charAt(i);
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
        }
        return true;
    }

    private int indexOf(char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == c) return i;
        }
        return -1;
    }
}

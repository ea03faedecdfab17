package org.circuitscope.engine;

import java.util.Arrays;

/**
 * Converts between UTF-16 offsets into a document's text and positions (line, character) in the negotiated
 * encoding. Lines end at {@code \n}, {@code \r\n} or a lone {@code \r}, as LSP says; a position
 * past the end of its line means the line's end, one past the last line is rejected.
 */
public final class LineIndex {
    private final String text;
    private final int[] lineStarts;
    private final PositionEncoding encoding;

    public LineIndex(String text, PositionEncoding encoding) {
        this.text = text;
        this.encoding = encoding;
        int[] starts = new int[16];
        int n = 0;
        starts[n++] = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') i++;
            if (c == '\n' || c == '\r') {
                if (n == starts.length) starts = Arrays.copyOf(starts, n * 2);
                starts[n++] = i + 1;
            }
        }
        lineStarts = Arrays.copyOf(starts, n);
    }

    public PositionEncoding encoding() { return encoding; }

    public int lineCount() { return lineStarts.length; }

    /** UTF-16 offset where the line's content ends (before its line break). */
    public int lineEnd(int line) {
        int end = line + 1 < lineStarts.length ? lineStarts[line + 1] : text.length();
        while (end > lineStarts[line] && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) end--;
        return end;
    }

    /** The UTF-16 offset of a position; -1 when the line does not exist or numbers are negative. */
    public int offset(TextPosition p) {
        if (p == null || p.line() < 0 || p.character() < 0 || p.line() >= lineStarts.length) return -1;
        int start = lineStarts[p.line()], end = lineEnd(p.line());
        int units = p.character(), i = start;
        while (i < end && units > 0) {
            int cp = text.codePointAt(i);
            int w = encoding.width(cp);
            if (w > units) break; // inside a character: LSP says round down to its start
            units -= w;
            i += Character.charCount(cp);
        }
        return Math.min(i, end);
    }

    /** Like {@link #offset} but clamps a position past the end to the end of the text. */
    public int offsetClamped(TextPosition p) {
        if (p.line() >= lineStarts.length) return text.length();
        int o = offset(p);
        return o < 0 ? 0 : o;
    }

    /** The position of a UTF-16 offset (clamped to the text). */
    public TextPosition position(int offset) {
        offset = Math.max(0, Math.min(offset, text.length()));
        int line = Arrays.binarySearch(lineStarts, offset);
        if (line < 0) line = -line - 2;
        // An offset between \r and \n belongs to the line the pair ends.
        return new TextPosition(line, units(lineStarts[line], offset));
    }

    /** Length of text[from, to) in the encoding's units. */
    public int units(int from, int to) {
        return encoding.length(text, from, to);
    }

    /** First line's start offset at or after {@code offset}'s line; for splitting ranges at line ends. */
    public int lineOf(int offset) {
        int line = Arrays.binarySearch(lineStarts, Math.max(0, Math.min(offset, text.length())));
        return line < 0 ? -line - 2 : line;
    }

    public int lineStart(int line) { return lineStarts[line]; }
}

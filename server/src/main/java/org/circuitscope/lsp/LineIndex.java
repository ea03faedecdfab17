package org.circuitscope.lsp;

import java.util.Arrays;
import org.eclipse.lsp4j.Position;

/**
 * Converts between UTF-16 offsets into a document's text and LSP positions in the negotiated
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
    public int offset(Position p) {
        if (p == null || p.getLine() < 0 || p.getCharacter() < 0 || p.getLine() >= lineStarts.length) return -1;
        int start = lineStarts[p.getLine()], end = lineEnd(p.getLine());
        int units = p.getCharacter(), i = start;
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
    public int offsetClamped(Position p) {
        if (p.getLine() >= lineStarts.length) return text.length();
        int o = offset(p);
        return o < 0 ? 0 : o;
    }

    /** The position of a UTF-16 offset (clamped to the text). */
    public Position position(int offset) {
        offset = Math.max(0, Math.min(offset, text.length()));
        int line = Arrays.binarySearch(lineStarts, offset);
        if (line < 0) line = -line - 2;
        // An offset between \r and \n belongs to the line the pair ends.
        return new Position(line, units(lineStarts[line], offset));
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

package org.circuitscope.engine;

import java.util.List;

/** The unit of an LSP position's character field, as negotiated in {@code general.positionEncodings}. */
public enum PositionEncoding {
    UTF8("utf-8"), UTF16("utf-16"), UTF32("utf-32");

    private final String kind;

    PositionEncoding(String kind) { this.kind = kind; }

    /** The LSP name ({@code PositionEncodingKind}). */
    public String kind() { return kind; }

    /** Units of one code point. */
    public int width(int codePoint) {
        return switch (this) {
            case UTF16 -> Character.charCount(codePoint);
            case UTF32 -> 1;
            case UTF8 -> codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
        };
    }

    /** Units of text[from, to) (UTF-16 offsets). */
    public int length(String text, int from, int to) {
        if (this == UTF16) return to - from;
        int n = 0;
        for (int i = from; i < to; ) {
            int cp = text.codePointAt(i);
            n += width(cp);
            i += Character.charCount(cp);
        }
        return n;
    }

    /**
     * The encoding to use given the client's offer: UTF-16 unless the client offers UTF-8 or
     * UTF-32 (our offsets are UTF-16, so the other two cost a conversion and are taken only
     * when the client prefers them, i.e. lists them before UTF-16).
     */
    public static PositionEncoding negotiate(List<String> offered) {
        if (offered == null) return UTF16;
        for (String o : offered) {
            for (PositionEncoding e : values()) if (e.kind.equalsIgnoreCase(o)) return e;
        }
        return UTF16;
    }
}

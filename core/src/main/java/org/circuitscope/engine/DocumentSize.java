package org.circuitscope.engine;

/**
 * How large a prompt may be: 8 MiB of UTF-8, the command line's limit too. Past it a document is
 * kept (the editor may still edit it) but not analysed: tokenising and holding a text of that
 * size costs memory that the server would keep long after the document closes.
 */
public final class DocumentSize {
    public static final long MAX_BYTES = 8L << 20;

    private DocumentSize() {}

    /** Whether {@code text} is over {@link #MAX_BYTES} in UTF-8 (counted only as far as needed). */
    public static boolean tooLarge(String text) {
        if (text.length() > MAX_BYTES) return true;
        if (text.length() * 3L <= MAX_BYTES) return false;
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
            if (bytes > MAX_BYTES) return true;
        }
        return false;
    }
}

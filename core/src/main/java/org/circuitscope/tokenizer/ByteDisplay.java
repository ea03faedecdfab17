package org.circuitscope.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * Shows a byte-level token whose bytes are not whole UTF-8 characters (one byte of an emoji, say)
 * as those bytes, {@code <0xF0>}, instead of the U+FFFD a decoder makes of them: a user can then
 * tell the pieces of a character apart. Whole characters in the token stay text.
 */
final class ByteDisplay {
    private static final int[] BYTE_OF_CHAR = inverse();

    private ByteDisplay() {}

    private static int[] inverse() {
        int[] inv = new int[512];
        java.util.Arrays.fill(inv, -1);
        for (int b = 0; b < 256; b++) inv[TokenizerJsonWriter.byteToUnicode(b).charAt(0)] = b;
        return inv;
    }

    /** The bytes a GPT-2 byte-level vocabulary string stands for; null when it is not one. */
    static byte[] bytes(String vocabString) {
        byte[] out = new byte[vocabString.length()];
        for (int i = 0; i < out.length; i++) {
            char c = vocabString.charAt(i);
            if (c >= BYTE_OF_CHAR.length || BYTE_OF_CHAR[c] < 0) return null;
            out[i] = (byte) BYTE_OF_CHAR[c];
        }
        return out;
    }

    /** {@code text} with control characters other than tab, line feed and carriage return as {@code <0xHH>}. */
    static String controls(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f;
            if (control && sb == null) sb = new StringBuilder(text.substring(0, i));
            if (sb != null) {
                if (control) sb.append(String.format("<0x%02X>", (int) c));
                else sb.append(c);
            }
        }
        return sb == null ? text : sb.toString();
    }

    /** Whole UTF-8 characters as text (controls as bytes, {@link #controls}), every other byte as {@code <0xHH>}. */
    static String show(byte[] b) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < b.length) {
            int n = sequenceLength(b, i);
            if (n > 0) {
                sb.append(controls(new String(b, i, n, StandardCharsets.UTF_8)));
                i += n;
            } else {
                sb.append(String.format("<0x%02X>", b[i] & 0xff));
                i++;
            }
        }
        return sb.toString();
    }

    /** Length of the well-formed UTF-8 sequence at {@code i}, or 0 when there is none. */
    private static int sequenceLength(byte[] b, int i) {
        int lead = b[i] & 0xff;
        int n = lead < 0x80 ? 1 : lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3 : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0;
        if (n == 0 || i + n > b.length) return 0;
        for (int k = 1; k < n; k++) if ((b[i + k] & 0xC0) != 0x80) return 0;
        // Overlong, surrogate and beyond-U+10FFFF forms are not characters either.
        int second = b[i + 1 < b.length ? i + 1 : i] & 0xff;
        if (n == 3 && ((lead == 0xE0 && second < 0xA0) || (lead == 0xED && second > 0x9F))) return 0;
        if (n == 4 && ((lead == 0xF0 && second < 0x90) || (lead == 0xF4 && second > 0x8F))) return 0;
        return n;
    }
}

package org.circuitscope.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * Test-side reading of Llama-style vocabulary strings, written from SentencePiece's conventions
 * (U+2581 for a space, {@code <0xHH>} for a byte) so the tests do not lean on {@link TokenBytes}.
 */
final class SentencePieceRef {
    private SentencePieceRef() {}

    static final char SPACE = '\u2581';

    /** The bytes of a (non-special) vocabulary string in the text with spaces written as {@code ▁}. */
    static byte[] bytesOf(String vocabString) {
        if (vocabString.length() == 6 && vocabString.startsWith("<0x") && vocabString.endsWith(">")) {
            return new byte[] {(byte) Integer.parseInt(vocabString.substring(3, 5), 16)};
        }
        return vocabString.getBytes(StandardCharsets.UTF_8);
    }
}

package org.circuitscope.tokenizer;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Test-side reference for GPT-2's {@code bytes_to_unicode}, written from the published Python
 * (printable ranges first, the other bytes then take 256, 257, ... in byte order), so the
 * tests do not lean on the table they check.
 */
final class Gpt2Bytes {

    /** Byte values in GPT-2 id order: index = token id of that byte in a GPT-2 style vocab. */
    static final List<Integer> ORDER = new ArrayList<>();
    static final Map<Integer, Character> SYMBOL = new HashMap<>();
    static final Map<Character, Integer> BYTE_OF = new HashMap<>();

    static {
        List<Integer> bs = new ArrayList<>();
        for (int b = '!'; b <= '~'; b++) bs.add(b);
        for (int b = 0xA1; b <= 0xAC; b++) bs.add(b);
        for (int b = 0xAE; b <= 0xFF; b++) bs.add(b);
        List<Integer> cs = new ArrayList<>(bs);
        int n = 0;
        for (int b = 0; b < 256; b++) {
            if (!bs.contains(b)) {
                bs.add(b);
                cs.add(256 + n++);
            }
        }
        for (int i = 0; i < 256; i++) {
            ORDER.add(bs.get(i));
            SYMBOL.put(bs.get(i), (char) (int) cs.get(i));
            BYTE_OF.put((char) (int) cs.get(i), bs.get(i));
        }
    }

    private Gpt2Bytes() {}

    /** Id of a single byte's token in a file from {@link TokenizerJsonWriter}. */
    static int idOfByte(int b) {
        return ORDER.indexOf(b & 0xFF);
    }

    /** The UTF-8 bytes a raw vocabulary string stands for. */
    static byte[] bytesOf(String vocabString) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (char c : vocabString.toCharArray()) {
            Integer b = BYTE_OF.get(c);
            if (b == null) {
                throw new AssertionError("'" + c + "' in \"" + vocabString + "\" is not a GPT-2 byte symbol");
            }
            out.write(b);
        }
        return out.toByteArray();
    }
}

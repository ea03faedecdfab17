package org.circuitscope.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Learns byte-level BPE merges the way GPT-2's tokenizer was trained: the text is split by
 * GPT-2's pre-tokenisation regex (the one the ByteLevel pre-tokenizer applies at run time, so
 * training and encoding see the same pieces), each piece becomes its UTF-8 bytes, and the most
 * frequent adjacent pair is merged until the vocabulary has the requested size.
 */
public final class BpeTrainer {
    /** GPT-2's split: contractions, letter runs, digit runs, other symbols, whitespace. */
    static final Pattern GPT2_SPLIT = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

    private BpeTrainer() {}

    /**
     * Merges for a vocabulary of {@code vocabSize} tokens in total (256 bytes + merges + the
     * end-of-text token), in merge order, as pairs of GPT-2 byte-unicode strings. Ties between
     * equally frequent pairs go to the pair whose strings sort first, so training is repeatable.
     */
    public static List<String[]> train(String text, int vocabSize) {
        int nMerges = vocabSize - 257;
        if (nMerges < 0) throw new IllegalArgumentException("vocabulary size must be at least 257 (bytes + <|endoftext|>), got " + vocabSize);
        Map<String, Integer> pieces = new HashMap<>();
        Matcher m = GPT2_SPLIT.matcher(text);
        while (m.find()) pieces.merge(m.group(), 1, Integer::sum);

        List<int[]> words = new ArrayList<>(pieces.size());
        int[] freq = new int[pieces.size()];
        int w = 0;
        for (var e : pieces.entrySet()) {
            byte[] b = e.getKey().getBytes(StandardCharsets.UTF_8);
            int[] syms = new int[b.length];
            for (int i = 0; i < b.length; i++) syms[i] = b[i] & 0xff;
            words.add(syms);
            freq[w++] = e.getValue();
        }
        List<String> symbol = new ArrayList<>(256 + nMerges);
        for (int b = 0; b < 256; b++) symbol.add(TokenizerJsonWriter.byteToUnicode(b));

        return learn(words, freq, symbol, nMerges);
    }

    /**
     * The BPE loop shared with {@link SentencePieceBpeTrainer}: {@code words} are symbol ids
     * (indices into {@code symbol}, which grows by one entry per merge) with their counts.
     */
    static List<String[]> learn(List<int[]> words, int[] freq, List<String> symbol, int nMerges) {
        List<String[]> merges = new ArrayList<>(nMerges);
        for (int step = 0; step < nMerges; step++) {
            Map<Long, Long> counts = new HashMap<>();
            for (int i = 0; i < words.size(); i++) {
                int[] s = words.get(i);
                for (int j = 0; j + 1 < s.length; j++) counts.merge(pair(s[j], s[j + 1]), (long) freq[i], Long::sum);
            }
            long best = -1, bestCount = 0;
            for (var e : counts.entrySet()) {
                long c = e.getValue();
                if (c > bestCount || (c == bestCount && best >= 0 && compare(symbol, e.getKey(), best) < 0)) {
                    best = e.getKey();
                    bestCount = c;
                }
            }
            if (best < 0 || bestCount < 2) break; // nothing left worth merging
            int a = (int) (best >>> 32), b = (int) best, id = symbol.size();
            merges.add(new String[] {symbol.get(a), symbol.get(b)});
            symbol.add(symbol.get(a) + symbol.get(b));
            for (int i = 0; i < words.size(); i++) words.set(i, apply(words.get(i), a, b, id));
        }
        return merges;
    }

    private static long pair(int a, int b) { return ((long) a << 32) | (b & 0xffffffffL); }

    private static int compare(List<String> symbol, long p, long q) {
        int c = symbol.get((int) (p >>> 32)).compareTo(symbol.get((int) (q >>> 32)));
        return c != 0 ? c : symbol.get((int) p).compareTo(symbol.get((int) q));
    }

    private static int[] apply(int[] s, int a, int b, int id) {
        // Counted as they are replaced, left to right: in "aaa" the pair (a, a) is merged once, not twice.
        int n = 0;
        for (int j = 0; j + 1 < s.length; j++) if (s[j] == a && s[j + 1] == b) { n++; j++; }
        if (n == 0) return s;
        int[] out = new int[s.length - n];
        int k = 0;
        for (int j = 0; j < s.length; j++) {
            if (j + 1 < s.length && s[j] == a && s[j + 1] == b) { out[k++] = id; j++; }
            else out[k++] = s[j];
        }
        return out;
    }
}

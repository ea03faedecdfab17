package org.circuitscope.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Learns a Llama-style vocabulary the way SentencePiece BPE sees text: spaces become
 * {@code ▁}, a {@code ▁} goes in front, the symbols are characters (not bytes), and a merge never
 * crosses the start of a word (a {@code ▁}). Characters left out of the vocabulary (control
 * characters such as {@code \n}, and the rarest when the budget is short) are spelled with the
 * byte-fallback tokens {@code <0x0A>} at run time, as Llama 2 spells a line feed.
 */
public final class SentencePieceBpeTrainer {

    /** SentencePiece's stand-in for a space. */
    public static final String SPACE = "\u2581";

    /** Single characters (the first is always {@code ▁}) and merges in learning order, as {@link LlamaTokenizerJsonWriter} takes them. */
    public record Vocabulary(List<String> chars, List<String[]> merges) {}

    private SentencePieceBpeTrainer() {}

    /**
     * A vocabulary of at most {@code vocabSize} tokens in total: {@value LlamaTokenizerJsonWriter#FIXED}
     * special and byte tokens, then characters by falling frequency, then merges. Ties go to the
     * character or pair that sorts first, so training is repeatable.
     */
    public static Vocabulary train(String text, int vocabSize) {
        int budget = vocabSize - LlamaTokenizerJsonWriter.FIXED - 1; // - ▁
        if (budget < 0) {
            throw new IllegalArgumentException("vocabulary size must be at least " + (LlamaTokenizerJsonWriter.FIXED + 1)
                    + " (<unk>, <s>, </s>, 256 bytes, ▁), got " + vocabSize);
        }
        String normalized = SPACE + text.replace(" ", SPACE);
        Map<Integer, Integer> charCount = new HashMap<>();
        normalized.codePoints().filter(cp -> !Character.isISOControl(cp) && cp != SPACE.codePointAt(0))
                .forEach(cp -> charCount.merge(cp, 1, Integer::sum));
        List<Integer> kept = charCount.keySet().stream()
                .sorted(Comparator.comparing((Integer cp) -> -charCount.get(cp)).thenComparing(cp -> cp))
                .limit(budget).toList();
        List<String> symbol = new ArrayList<>();
        Map<Integer, Integer> idOfChar = new HashMap<>();
        symbol.add(SPACE);
        idOfChar.put(SPACE.codePointAt(0), 0);
        for (int cp : kept) {
            idOfChar.put(cp, symbol.size());
            symbol.add(Character.toString(cp));
        }
        List<String> chars = List.copyOf(symbol);

        // Words: a ▁ starts one; a character outside the vocabulary (spelled in bytes) ends one.
        Map<List<Integer>, Integer> words = new LinkedHashMap<>();
        List<Integer> word = new ArrayList<>();
        for (int i = 0; i < normalized.length(); ) {
            int cp = normalized.codePointAt(i);
            i += Character.charCount(cp);
            Integer id = idOfChar.get(cp);
            if (id == null || id == 0) {
                if (!word.isEmpty()) words.merge(List.copyOf(word), 1, Integer::sum);
                word.clear();
            }
            if (id != null) word.add(id);
        }
        if (!word.isEmpty()) words.merge(List.copyOf(word), 1, Integer::sum);

        List<int[]> symbols = new ArrayList<>(words.size());
        int[] freq = new int[words.size()];
        int w = 0;
        for (var e : words.entrySet()) {
            symbols.add(e.getKey().stream().mapToInt(Integer::intValue).toArray());
            freq[w++] = e.getValue();
        }
        int nMerges = vocabSize - LlamaTokenizerJsonWriter.FIXED - chars.size();
        return new Vocabulary(chars, BpeTrainer.learn(symbols, freq, symbol, nMerges));
    }
}

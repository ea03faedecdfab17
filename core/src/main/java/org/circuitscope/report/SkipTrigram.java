package org.circuitscope.report;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.circuitscope.circuits.SkipTrigrams;
import org.circuitscope.circuits.TokenCircuits;
import org.circuitscope.circuits.WorkProgress;
import org.circuitscope.model.ModelConfig;

/**
 * A skip-trigram {@code [source] … [destination] → [out]} of one head ({@link SkipTrigrams}):
 * tokens of the vocabulary, not of a prompt, so their {@code position} is absent.
 *
 * @param score    the OV entry W_E[source]·W_OV·W_U[:, out]: logit change of {@code out} per unit of attention to {@code source}
 * @param qk_score the QK entry W_E[destination]·W_QK·W_E[source]ᵀ (unscaled attention score)
 */
public record SkipTrigram(TokenRef source, TokenRef destination, TokenRef out, double score, double qk_score) {

    /** The {@code k} largest of head ({@code layer}, {@code head}) over the circuits' candidate tokens. */
    public static List<SkipTrigram> top(TokenCircuits tc, int layer, int head, int k, IntFunction<String> texts) {
        List<SkipTrigram> out = new ArrayList<>();
        for (SkipTrigrams.SkipTrigram t : SkipTrigrams.top(tc, layer, head, k)) {
            out.add(of(t, texts));
        }
        return List.copyOf(out);
    }

    /**
     * {@link #top} of every head, layer-major ({@code [layer · n_heads + head]}), the heads
     * searched in parallel ({@link SkipTrigrams#topOfEveryHead}); {@code texts} is called on the
     * calling thread afterwards.
     */
    public static List<List<SkipTrigram>> topOfEveryHead(TokenCircuits tc, ModelConfig c, int k, IntFunction<String> texts, WorkProgress progress) {
        List<List<SkipTrigram>> out = new ArrayList<>();
        for (List<SkipTrigrams.SkipTrigram> head : SkipTrigrams.topOfEveryHead(tc, c, k, progress)) {
            List<SkipTrigram> refs = new ArrayList<>();
            for (SkipTrigrams.SkipTrigram t : head) refs.add(of(t, texts));
            out.add(List.copyOf(refs));
        }
        return List.copyOf(out);
    }

    private static SkipTrigram of(SkipTrigrams.SkipTrigram t, IntFunction<String> texts) {
        return new SkipTrigram(token(t.source(), texts), token(t.destination(), texts), token(t.out(), texts), t.score(), t.qkScore());
    }

    private static TokenRef token(int id, IntFunction<String> texts) { return new TokenRef(null, id, texts.apply(id)); }
}

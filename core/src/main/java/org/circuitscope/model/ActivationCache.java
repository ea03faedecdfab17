package org.circuitscope.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.circuitscope.tensor.Tensor;

/**
 * The activations of one forward pass, keyed by TransformerLens hook name, in forward order,
 * with the tokens that produced them and the logits (always present).
 */
public final class ActivationCache {
    private final int[] tokens;
    private final Map<String, Tensor> acts;
    private final Tensor logits;

    ActivationCache(int[] tokens, Map<String, Tensor> acts, Tensor logits) {
        this.tokens = tokens.clone();
        this.acts = Collections.unmodifiableMap(new LinkedHashMap<>(acts));
        this.logits = logits;
    }

    /** A cache of activations computed elsewhere (a caller that keeps the logits apart, say); {@code logits} must not be null. */
    public static ActivationCache of(int[] tokens, Map<String, Tensor> acts, Tensor logits) {
        if (logits == null) throw new IllegalArgumentException("a cache always has its logits");
        return new ActivationCache(tokens, acts, logits);
    }

    public int[] tokens() { return tokens.clone(); }

    public Tensor logits() { return logits; }

    public boolean contains(String name) { return acts.containsKey(name); }

    /** The stored activation; a clear error naming what is stored when it is not. */
    public Tensor get(String name) {
        Tensor t = acts.get(name);
        if (t == null) {
            throw new IllegalArgumentException("activation '" + name + "' is not in the cache (it was not recorded, or no such hook"
                    + " point exists); recorded: " + (acts.size() > 8 ? acts.size() + " names" : acts.keySet()));
        }
        return t;
    }

    public Set<String> names() { return acts.keySet(); }

    public Map<String, Tensor> asMap() { return acts; }
}

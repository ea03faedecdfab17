package org.circuitscope.model;

import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What a forward pass records and which hooks it runs.
 *
 * @param names which hook points to store in the cache (TransformerLens's {@code names_filter})
 * @param hooks hook functions by hook name
 */
public record RunOptions(Predicate<String> names, Map<String, Hook> hooks) {
    public RunOptions {
        names = names == null ? n -> false : names;
        hooks = hooks == null ? Map.of() : Map.copyOf(hooks);
    }

    /** Store every activation, no hooks. */
    public static RunOptions cacheAll() { return new RunOptions(n -> true, Map.of()); }

    /** Store nothing but run; the logits are still returned. */
    /** Stores exactly these hook points (an analysis's list of what it reads). */
    public static RunOptions names(java.util.Collection<String> names) {
        java.util.Set<String> keep = java.util.Set.copyOf(names);
        return new RunOptions(keep::contains, Map.of());
    }

    public static RunOptions none() { return new RunOptions(n -> false, Map.of()); }

    /** Store the hook points whose names match {@code regex} entirely. */
    public static RunOptions matching(String regex) {
        Pattern p = Pattern.compile(regex);
        return new RunOptions(n -> p.matcher(n).matches(), Map.of());
    }

    public RunOptions withHooks(Map<String, Hook> h) { return new RunOptions(names, h); }

    boolean wants(String name) { return names.test(name) || hooks.containsKey(name); }
}

package org.circuitscope.sae;

/** A feature named as users write it: {@code <sae>:<index>}, e.g. {@code resid0:123}. */
public record FeatureId(String sae, int index) {
    public FeatureId {
        if (sae == null || sae.isBlank()) throw new IllegalArgumentException("a feature needs an SAE name");
        if (index < 0) throw new IllegalArgumentException("feature index must be >= 0, got " + index);
    }

    /** Parses {@code "resid0:123"}; the SAE name may itself hold colons (the last one splits). */
    public static FeatureId parse(String s) {
        int colon = s == null ? -1 : s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("feature '" + s + "' is not <sae>:<index>, e.g. resid0:123");
        }
        try {
            return new FeatureId(s.substring(0, colon).strip(), Integer.parseInt(s.substring(colon + 1).strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("feature '" + s + "': '" + s.substring(colon + 1) + "' is not a feature index", e);
        }
    }

    @Override
    public String toString() { return sae + ":" + index; }
}

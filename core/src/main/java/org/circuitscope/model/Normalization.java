package org.circuitscope.model;

/**
 * TransformerLens's {@code normalization_type}: LN (LayerNorm with weight and bias), LNPre
 * (centre and scale only, as after fold_ln) or none.
 */
public enum Normalization {
    LN, LN_PRE, NONE;

    public String tlName() {
        return switch (this) { case LN -> "LN"; case LN_PRE -> "LNPre"; case NONE -> "None"; };
    }

    /** Parses "LN", "LNPre", or null / "None" / "" for none. */
    public static Normalization parse(String s) {
        if (s == null || s.isEmpty() || s.equalsIgnoreCase("none") || s.equals("null")) return NONE;
        if (s.equals("LN")) return LN;
        if (s.equals("LNPre")) return LN_PRE;
        throw new IllegalArgumentException("normalization_type '" + s + "' is not supported; use LN, LNPre or null");
    }
}

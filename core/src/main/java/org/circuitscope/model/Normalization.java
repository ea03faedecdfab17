package org.circuitscope.model;

/**
 * TransformerLens's {@code normalization_type}: LN (LayerNorm with weight and bias), LNPre
 * (centre and scale only, as after fold_ln), RMS (RMSNorm with a weight), RMSPre (scale only,
 * as after fold_ln of an RMS model) or none.
 */
public enum Normalization {
    LN, LN_PRE, RMS, RMS_PRE, NONE;

    public String tlName() {
        return switch (this) {
            case LN -> "LN"; case LN_PRE -> "LNPre"; case RMS -> "RMS"; case RMS_PRE -> "RMSPre"; case NONE -> "None";
        };
    }

    /** Whether the mean is removed before scaling (LayerNorm), as opposed to RMSNorm or none. */
    public boolean centers() { return this == LN || this == LN_PRE; }

    /** Whether rows are divided by a scale (hook_scale exists). */
    public boolean scales() { return this != NONE; }

    /** Whether the normalisation has its own weight ({@code w}; LayerNorm also a bias {@code b}). */
    public boolean hasWeight() { return this == LN || this == RMS; }

    /** The folded form: LN → LNPre, RMS → RMSPre; others unchanged. */
    public Normalization folded() { return this == LN ? LN_PRE : this == RMS ? RMS_PRE : this; }

    /** Parses "LN", "LNPre", "RMS", "RMSPre", or null / "None" / "" for none. */
    public static Normalization parse(String s) {
        if (s == null || s.isEmpty() || s.equalsIgnoreCase("none") || s.equals("null")) return NONE;
        for (Normalization n : values()) if (n != NONE && n.tlName().equals(s)) return n;
        throw new IllegalArgumentException("normalization_type '" + s + "' is not supported; use LN, LNPre, RMS, RMSPre or null");
    }
}

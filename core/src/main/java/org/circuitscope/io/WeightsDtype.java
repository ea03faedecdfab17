package org.circuitscope.io;

import java.util.Locale;

/**
 * How a checkpoint's F16/BF16 weights are held once loaded ({@code --weights-dtype}).
 * F32 checkpoints load as float32 either way.
 */
public enum WeightsDtype {
    /**
     * Every weight matrix (W_E, W_pos, W_Q … W_U) stays in its 16 bits, half the memory,
     * converted inside the forward pass's products; biases and norm weights are converted at
     * load, as they are small and read element by element.
     */
    KEEP,
    /** Everything converted to float32 at load (exact): what the trainer and in-place edits need. */
    F32;

    /** "keep" or "f32" (any case). */
    public static WeightsDtype parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "keep" -> KEEP;
            case "f32", "float32" -> F32;
            default -> throw new IllegalArgumentException("weights dtype must be 'keep' (16-bit checkpoints stay 16-bit) or 'f32', got '" + s + "'");
        };
    }

    /** The name the option takes. */
    public String optionName() { return this == KEEP ? "keep" : "f32"; }
}

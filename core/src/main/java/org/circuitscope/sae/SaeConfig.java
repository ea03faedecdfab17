package org.circuitscope.sae;

import java.util.Locale;

/**
 * What an SAE is, in SAELens's config fields.
 *
 * @param name                 the SAE's folder name; features are {@code <name>:<index>}
 * @param k                    active features per token for {@link Architecture#TOPK}, else 0
 * @param applyBDecToInput     SAELens's {@code apply_b_dec_to_input}: encode subtracts b_dec first
 * @param normalizeActivations SAELens's {@code normalize_activations}; only "none" is supported
 */
public record SaeConfig(String name, Architecture architecture, int dIn, int dSae, String hookName, int k,
                        boolean applyBDecToInput, String normalizeActivations) {

    /** The encoder's activation, with SAELens's {@code architecture} string. */
    public enum Architecture {
        /** relu(x W_enc + b_enc): SAELens "standard" with activation_fn relu. */
        RELU("standard"),
        /** The k largest pre-activations (relu'd), the rest zero. */
        TOPK("topk"),
        /** relu(pre) where pre &gt; threshold, else zero. */
        JUMPRELU("jumprelu");

        private final String saeLensName;

        Architecture(String saeLensName) { this.saeLensName = saeLensName; }

        public String saeLensName() { return saeLensName; }

        /** From SAELens's {@code architecture} string. */
        public static Architecture fromSaeLens(String s) {
            for (Architecture a : values()) if (a.saeLensName.equals(s)) return a;
            throw new IllegalArgumentException("unknown SAE architecture '" + s + "'; circuitscope reads standard (relu), topk and jumprelu");
        }

        public String label() { return name().toLowerCase(Locale.ROOT); }
    }

    public SaeConfig {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("an SAE needs a name (its folder name)");
        if (architecture == null) throw new IllegalArgumentException("SAE " + name + ": no architecture");
        if (dIn <= 0) throw new IllegalArgumentException("SAE " + name + ": d_in must be a positive integer, got " + dIn);
        if (dSae <= 0) throw new IllegalArgumentException("SAE " + name + ": d_sae must be a positive integer, got " + dSae);
        if (hookName == null || hookName.isBlank()) throw new IllegalArgumentException("SAE " + name + ": no hook_name");
        if (architecture == Architecture.TOPK && (k <= 0 || k > dSae)) {
            throw new IllegalArgumentException("SAE " + name + ": topk needs 0 < k <= d_sae (" + dSae + "), got k = " + k);
        }
        if (architecture != Architecture.TOPK) k = 0;
        if (normalizeActivations == null) normalizeActivations = "none";
        if (!normalizeActivations.equals("none")) {
            throw new IllegalArgumentException("SAE " + name + ": normalize_activations '" + normalizeActivations
                    + "' is not supported; circuitscope reads SAEs with normalize_activations 'none'"
                    + " (fold the scaling factor into the weights first, e.g. SAELens's fold_activation_norm_scaling_factor)");
        }
    }
}

package org.circuitscope.model;

import java.util.ArrayList;
import java.util.List;

/**
 * TransformerLens hook names, so a cache key here is the key a notebook user would type.
 * Shapes drop the batch dimension: {@code [pos, d_model]}, {@code [pos, head, d_head]},
 * {@code [head, query_pos, key_pos]}.
 */
public final class HookPoint {
    public static final String EMBED = "hook_embed";
    public static final String POS_EMBED = "hook_pos_embed";
    public static final String LN_FINAL_SCALE = "ln_final.hook_scale";
    public static final String LN_FINAL_NORMALIZED = "ln_final.hook_normalized";
    public static final String LOGITS = "logits";

    private HookPoint() {}

    public static String residPre(int l) { return "blocks." + l + ".hook_resid_pre"; }
    public static String residMid(int l) { return "blocks." + l + ".hook_resid_mid"; }
    public static String residPost(int l) { return "blocks." + l + ".hook_resid_post"; }
    public static String attnOut(int l) { return "blocks." + l + ".hook_attn_out"; }
    public static String mlpOut(int l) { return "blocks." + l + ".hook_mlp_out"; }
    /** {@code blocks.l.ln1.hook_scale} etc.; {@code ln} is "ln1" or "ln2", {@code what} "scale" or "normalized". */
    public static String ln(int l, String ln, String what) { return "blocks." + l + "." + ln + ".hook_" + what; }
    /**
     * {@code blocks.l.attn.hook_<what>} for q, k, v, rot_q, rot_k, z, attn_scores, pattern,
     * result. Under grouped-query attention k, v and rot_k have n_key_value_heads heads.
     */
    public static String attn(int l, String what) { return "blocks." + l + ".attn.hook_" + what; }
    /** The queries attention scores read, as {@link #attn}'s {@code what}: "rot_q" for rotary models (rotated), else "q". */
    public static String queriesUsed(ModelConfig cfg) { return cfg.rotary() ? "rot_q" : "q"; }

    /** The keys attention scores read: "rot_k" for rotary models, else "k". */
    public static String keysUsed(ModelConfig cfg) { return cfg.rotary() ? "rot_k" : "k"; }

    public static String mlp(int l, String what) { return "blocks." + l + ".mlp.hook_" + what; }

    /** Every hook point the forward pass of this config passes through, in forward order (TransformerLens's order). */
    public static List<String> all(ModelConfig cfg) {
        List<String> names = new ArrayList<>(List.of(EMBED));
        if (!cfg.rotary()) names.add(POS_EMBED);
        boolean norm = cfg.normalizationType().scales(), parallel = cfg.architecture().parallelAttnMlp();
        for (int l = 0; l < cfg.nLayers(); l++) {
            names.add(residPre(l));
            if (norm) { names.add(ln(l, "ln1", "scale")); names.add(ln(l, "ln1", "normalized")); }
            for (String a : new String[] {"q", "k", "v"}) names.add(attn(l, a));
            if (cfg.rotary()) { names.add(attn(l, "rot_q")); names.add(attn(l, "rot_k")); }
            for (String a : new String[] {"attn_scores", "pattern", "z", "result"}) names.add(attn(l, a));
            names.add(attnOut(l));
            if (!cfg.attnOnly()) {
                // Parallel blocks (GPT-NeoX) read resid_pre in both halves: there is no resid_mid.
                if (!parallel) names.add(residMid(l));
                if (norm) { names.add(ln(l, "ln2", "scale")); names.add(ln(l, "ln2", "normalized")); }
                names.add(mlp(l, "pre"));
                if (cfg.architecture().gatedMlp()) names.add(mlp(l, "pre_linear"));
                names.add(mlp(l, "post"));
                names.add(mlpOut(l));
            }
            names.add(residPost(l));
        }
        if (norm) { names.add(LN_FINAL_SCALE); names.add(LN_FINAL_NORMALIZED); }
        names.add(LOGITS);
        return List.copyOf(names);
    }
}

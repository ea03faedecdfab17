package org.circuitscope.sae;

import java.util.OptionalInt;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.ModelConfig;

/**
 * The width an SAE reads at a hook point: d_model for the residual stream and the block
 * outputs, d_mlp for the MLP's pre/post activations, n_heads·d_head for {@code hook_z}
 * (flattened, SAELens's {@code reshape_activations = "hook_z"}). Other hook points (patterns,
 * scores, norms' scales) carry no features an SAE is trained on: empty.
 */
public final class HookWidths {
    private HookWidths() {}

    public static OptionalInt of(ModelConfig cfg, String hook) {
        if (!HookPoint.all(cfg).contains(hook)) return OptionalInt.empty();
        if (hook.endsWith("hook_resid_pre") || hook.endsWith("hook_resid_mid") || hook.endsWith("hook_resid_post")
                || hook.endsWith("hook_attn_out") || hook.endsWith("hook_mlp_out") || hook.endsWith("normalized")
                || hook.equals(HookPoint.EMBED) || hook.equals(HookPoint.POS_EMBED)) {
            return OptionalInt.of(cfg.dModel());
        }
        if (hook.endsWith(".mlp.hook_pre") || hook.endsWith(".mlp.hook_post") || hook.endsWith(".mlp.hook_pre_linear")) {
            return OptionalInt.of(cfg.dMlp());
        }
        if (hook.endsWith(".attn.hook_z")) return OptionalInt.of(cfg.nHeads() * cfg.dHead());
        return OptionalInt.empty();
    }
}

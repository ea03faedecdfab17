package org.circuitscope.circuits;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.Hook;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.RunOptions;
import org.circuitscope.model.Transformer;
import org.circuitscope.tensor.Tensor;

/**
 * Activation patching (Meng et al. 2022; TransformerLens's {@code patching} module): run a
 * prompt while replacing chosen activations by their values on a second, source prompt of the
 * same length, x_site := x_site(source), and see how a metric moves. Sites are a head's
 * output ({@code blocks.l.attn.hook_z} or {@code hook_result}, [pos, head, ·]), the residual
 * stream ({@code blocks.l.hook_resid_pre} / {@code hook_resid_post}, [pos, d_model]) or the
 * attention layer's output ({@code blocks.l.hook_attn_out}, [pos, d_model]), at one
 * position or at all of them. Patched activations flow on: later layers see them. Heads here are
 * query heads (z and result are per query head in every family); hook_k and hook_v, which have
 * n_key_value_heads heads under grouped-query attention, are not sites.
 */
public final class Patching {
    private Patching() {}

    public enum Site { Z, RESULT, RESID_PRE, RESID_POST, ATTN_OUT }

    /**
     * One replacement. {@code head} is used by Z and RESULT only; {@code position} −1 patches
     * every position.
     */
    public record Patch(Site site, int layer, int head, int position) {
        public String hookName() {
            return switch (site) {
                case Z -> HookPoint.attn(layer, "z");
                case RESULT -> HookPoint.attn(layer, "result");
                case RESID_PRE -> HookPoint.residPre(layer);
                case RESID_POST -> HookPoint.residPost(layer);
                case ATTN_OUT -> HookPoint.attnOut(layer);
            };
        }

        boolean perHead() { return site == Site.Z || site == Site.RESULT; }
    }

    /** @param positions the metric per position of the patched prompt */
    public record Result(List<Patch> patches, List<InterventionMetric.PositionEffect> positions) {}

    /** Hooks that copy the patched sites from {@code source} (which must hold their hook names). */
    public static Map<String, Hook> hooks(ModelConfig c, ActivationCache source, List<Patch> patches) {
        int t = source.tokens().length;
        Map<String, List<Patch>> byHook = new LinkedHashMap<>();
        for (Patch p : patches) {
            if (p.layer() < 0 || p.layer() >= c.nLayers()) {
                throw new IllegalArgumentException("patch " + p + ": layer must be in 0–" + (c.nLayers() - 1));
            }
            if (p.perHead() && (p.head() < 0 || p.head() >= c.nHeads())) {
                throw new IllegalArgumentException("patch " + p + ": head must be in 0–" + (c.nHeads() - 1));
            }
            if (p.position() < -1 || p.position() >= t) {
                throw new IllegalArgumentException("patch " + p + ": position must be in 0–" + (t - 1) + " (or −1 for all)");
            }
            byHook.computeIfAbsent(p.hookName(), k -> new ArrayList<>()).add(p);
        }
        Map<String, Hook> hooks = new LinkedHashMap<>();
        byHook.forEach((name, ps) -> {
            Tensor src = source.get(name);
            hooks.put(name, (act, n) -> {
                Tensor out = act.copy();
                float[] o = out.data(), s = src.data();
                for (Patch p : ps) {
                    int from = p.position() < 0 ? 0 : p.position(), to = p.position() < 0 ? t : p.position() + 1;
                    for (int pos = from; pos < to; pos++) {
                        int off, len;
                        if (p.perHead()) {
                            len = act.dim(2);
                            off = (pos * act.dim(1) + p.head()) * len;
                        } else {
                            len = act.dim(1);
                            off = pos * len;
                        }
                        System.arraycopy(s, off, o, off, len);
                    }
                }
                return out;
            });
        });
        return hooks;
    }

    /** Logits of {@code tokens} with {@code patches} taken from a run on {@code sourceTokens}. */
    public static Tensor logits(Transformer model, int[] tokens, int[] sourceTokens, List<Patch> patches) {
        if (tokens.length != sourceTokens.length) {
            throw new IllegalArgumentException("patching needs two prompts of the same length: the prompt has " + tokens.length
                    + " tokens, the source prompt " + sourceTokens.length);
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Patch p : patches) names.add(p.hookName());
        ActivationCache source = model.run(sourceTokens, new RunOptions(names::contains, Map.of()));
        return model.run(tokens, RunOptions.none().withHooks(hooks(model.config(), source, patches))).logits();
    }

    /** Clean and patched runs of {@code tokens}, compared by {@code metric} per position. */
    public static Result run(Transformer model, int[] tokens, int[] sourceTokens, List<Patch> patches, InterventionMetric metric) {
        Tensor patched = logits(model, tokens, sourceTokens, patches);
        Tensor clean = model.forward(tokens);
        return new Result(List.copyOf(patches), metric.compare(tokens, clean, patched));
    }
}

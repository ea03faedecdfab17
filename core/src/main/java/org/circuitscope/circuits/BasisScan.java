package org.circuitscope.circuits;

import java.util.ArrayList;
import java.util.List;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.ModelConfig;

/**
 * {@link PrivilegedBasis} on every activation of a model where the question is asked: the
 * residual stream before layer 0 and after each layer (d_model), each head's output
 * ({@code hook_result}, d_model) and each MLP's neurons after the nonlinearity
 * ({@code mlp.hook_post}, d_mlp), over the positions of one or more runs.
 */
public final class BasisScan {
    private BasisScan() {}

    /** One activation's test, named by its hook (with the head for head outputs). */
    public record Entry(String kind, String name, PrivilegedBasis.Result result) {}

    /** The hooks {@link #compute} reads. */
    public static List<String> hooks(ModelConfig c) {
        List<String> n = new ArrayList<>(List.of(HookPoint.residPre(0)));
        for (int l = 0; l < c.nLayers(); l++) {
            n.add(HookPoint.attn(l, "result"));
            if (!c.attnOnly()) n.add(HookPoint.mlp(l, "post"));
            n.add(HookPoint.residPost(l));
        }
        return List.copyOf(n);
    }

    public static List<Entry> compute(ModelConfig c, List<ActivationCache> runs, int skip, long seed) {
        int d = c.dModel(), nh = c.nHeads(), n = PositionRows.count(runs, skip);
        List<Entry> out = new ArrayList<>();
        out.add(residual(runs, HookPoint.residPre(0), d, n, skip, seed));
        for (int l = 0; l < c.nLayers(); l++) {
            for (int h = 0; h < nh; h++) {
                double[] x = PositionRows.of(runs, HookPoint.attn(l, "result"), nh * d, h * d, d, skip);
                out.add(new Entry("head", ModelConfig.headLabel(l, h), PrivilegedBasis.test(x, n, d, seed)));
            }
            if (!c.attnOnly()) {
                int m = c.dMlp();
                double[] x = PositionRows.of(runs, HookPoint.mlp(l, "post"), m, 0, m, skip);
                out.add(new Entry("neurons", HookPoint.mlp(l, "post"), PrivilegedBasis.test(x, n, m, seed)));
            }
            out.add(residual(runs, HookPoint.residPost(l), d, n, skip, seed));
        }
        return List.copyOf(out);
    }

    private static Entry residual(List<ActivationCache> runs, String hook, int d, int n, int skip, long seed) {
        return new Entry("residual", hook, PrivilegedBasis.test(PositionRows.of(runs, hook, d, 0, d, skip), n, d, seed));
    }
}

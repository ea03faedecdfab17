package org.circuitscope.report;

import java.util.ArrayList;
import java.util.List;
import org.circuitscope.circuits.PatchingMetric;
import org.circuitscope.circuits.PatchingSweep;

/**
 * {@code patch}: the {@link PatchingSweep} of a clean prompt with activations from a corrupt one.
 *
 * @param metric         {@code logit_diff} (target − contrast at the last position) or {@code loss}
 * @param target         the target token of a logit difference (absent for the loss)
 * @param tokens         the clean prompt, the position axis of the [layer × pos] grids
 * @param corrupt_tokens the corrupt prompt (its tokens have no place in the clean document)
 * @param normalizable   false when clean and corrupt give the same metric: then every grid's
 *                       {@code normalized} is absent
 * @param grids          resid_pre and attn_out [layer][position], attn_head_out_all_pos [layer][head]
 */
public record PatchingReport(String model, String metric, TokenRef target, TokenRef contrast, List<TokenRef> tokens,
                             List<CorruptToken> corrupt_tokens, double clean_metric, double corrupt_metric, boolean normalizable,
                             List<Grid> grids) {

    /** A token of the corrupt prompt. */
    public record CorruptToken(int position, int id, String text) {}

    /**
     * @param columns   {@code position} or {@code head}
     * @param values    the raw metric of each patched run, [layer][column]
     * @param normalized (values − corrupt_metric) / (clean_metric − corrupt_metric)
     */
    public record Grid(String name, String hook, String columns, List<List<Double>> values, List<List<Double>> normalized) {}

    public static PatchingReport of(Prompt clean, int[] corrupt, PatchingMetric metric, PatchingSweep.Result r) {
        List<TokenRef> tokens = new ArrayList<>();
        for (int p = 0; p < clean.length(); p++) tokens.add(clean.token(p));
        List<CorruptToken> bad = new ArrayList<>();
        for (int p = 0; p < corrupt.length; p++) bad.add(new CorruptToken(p, corrupt[p], clean.text(corrupt[p])));
        boolean norm = r.clean() != r.corrupt();
        List<Grid> grids = new ArrayList<>();
        for (PatchingSweep.Grid g : r.grids()) {
            List<List<Double>> raw = new ArrayList<>(), nz = new ArrayList<>();
            for (double[] row : g.values()) {
                List<Double> a = new ArrayList<>(), b = new ArrayList<>();
                for (double v : row) {
                    a.add(v);
                    b.add(PatchingSweep.normalized(v, r.clean(), r.corrupt()));
                }
                raw.add(List.copyOf(a));
                nz.add(List.copyOf(b));
            }
            grids.add(new Grid(g.name(), g.hook(), g.columns(), List.copyOf(raw), norm ? List.copyOf(nz) : null));
        }
        boolean diff = metric.kind() == PatchingMetric.Kind.LOGIT_DIFF;
        return new PatchingReport(clean.model(), metric.label(), diff ? clean.outside(metric.target()) : null,
                diff ? clean.outside(metric.contrast()) : null, List.copyOf(tokens), List.copyOf(bad), r.clean(), r.corrupt(), norm, List.copyOf(grids));
    }
}

package org.circuitscope.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.circuitscope.circuits.TermImportance;

/**
 * {@code terms}: the next-token loss when the logits keep only some orders of path terms, with
 * attention patterns frozen ({@link TermImportance}), and each term's marginal effect.
 *
 * @param tokens        predictions averaged over (positions with a next token, over every window)
 * @param windows       texts (context-sized windows) they came from
 * @param model_loss    the model's own loss on them ("all terms" equals it: the identity)
 * @param orders        direct; direct + one-head; + virtual; all terms, each a mean loss in nats
 * @param heads         per head: loss with its one-head term removed from "all terms" minus loss(all), largest first
 * @param virtual_heads likewise per virtual head L{a}H{i}->L{b}H{j}; absent when the model has too many of them
 * @param note          what the orders keep and what was left out
 */
public record TermImportanceReport(String model, int tokens, int windows, double model_loss, List<Order> orders,
                                   List<Marginal> heads, List<Marginal> virtual_heads, String note) {

    /** One order of terms: its name, the mean loss, and the predictions averaged. */
    public record Order(String terms, double loss, int tokens) {}

    /** One term removed from "all terms": the loss then, and {@code effect} = that minus loss(all) (positive: the term helps). */
    public record Marginal(String label, double loss_without, double effect, int tokens) {}

    static final String NOTE = "attention patterns and normalisation scales frozen at the forward pass; every order keeps the bias terms";

    public static TermImportanceReport of(String model, TermImportance.Sums s, int windows) {
        int n = s.tokens();
        double all = s.all() / n;
        List<Order> orders = List.of(new Order("direct", s.direct() / n, n), new Order("direct + one-head", s.oneHead() / n, n),
                new Order("direct + one-head + virtual", s.virtual() / n, n), new Order("all terms", all, n));
        String note = NOTE + (s.virtuals() == null ? "; virtual heads' marginal effects skipped (more than "
                + TermImportance.MAX_VIRTUAL_MARGINALS + ")" : "");
        return new TermImportanceReport(model, n, windows, s.model() / n, orders, marginals(s.heads(), n, all),
                s.virtuals() == null ? null : marginals(s.virtuals(), n, all), note);
    }

    private static List<Marginal> marginals(Map<String, Double> sums, int n, double all) {
        List<Marginal> out = new ArrayList<>();
        sums.forEach((label, sum) -> out.add(new Marginal(label, sum / n, sum / n - all, n)));
        out.sort(Comparator.comparingDouble(Marginal::effect).reversed());
        return List.copyOf(out);
    }
}

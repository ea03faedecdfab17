package org.circuitscope.circuits;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.LogitOps;
import org.circuitscope.model.RunOptions;
import org.circuitscope.model.Transformer;
import org.circuitscope.tensor.Tensor;
import org.circuitscope.grad.Backward;

/**
 * Gradient attributions of f = log p(target | tokens ≤ pos), the target's log-probability at
 * a position, to each input token through its token embedding e_i = W_E[token_i] (the
 * positional embeddings are held fixed: they are not something a prompt can change).
 * With g_i = ∂f/∂e_i from the backward pass:
 * <ul>
 * <li>saliency: ‖g_i‖₂;</li>
 * <li>input × gradient: e_i · g_i;</li>
 * <li>integrated gradients (Sundararajan et al. 2017) from the baseline e = 0:
 *     IG_i = e_i · (1/m) Σ_{k=1..m} g_i((k − ½)/m · e), the midpoint rule with m steps.
 *     Completeness says Σ_i IG_i = f(e) − f(0); the reported error is the difference, which
 *     shrinks as m grows.</li>
 * </ul>
 * In a rotary model the token embeddings are the whole input, and a first normalisation
 * divides α·e by its size: f barely moves until α is about √eps / rms(e), so integrated
 * gradients there need steps finer than that (hundreds), as the completeness error shows.
 */
public final class GradientAttribution {
    /**
     * Integrated-gradients steps allowed: one forward and backward pass each, and the midpoint
     * rule's error is already small at a few dozen, so more is a mistake rather than precision.
     */
    public static final int MAX_STEPS = 1000;

    private GradientAttribution() {}

    public enum Method {
        SALIENCY("saliency"), INPUT_X_GRADIENT("input-x-gradient"), INTEGRATED_GRADIENTS("integrated-gradients");

        private final String label;

        Method(String label) { this.label = label; }

        public String label() { return label; }

        public static Method parse(String s) {
            for (Method m : values()) if (m.label.equals(s)) return m;
            throw new IllegalArgumentException("unknown gradient method '" + s + "'; use saliency, input-x-gradient or integrated-gradients");
        }
    }

    /** One token's attribution. */
    public record TokenAttribution(int position, int token, double value) {}

    /**
     * @param f            the target's log-probability at the real input
     * @param fBaseline    the same at the baseline (integrated gradients only, else NaN)
     * @param completenessError Σ attributions − (f − f_baseline) (integrated gradients only, else NaN)
     */
    public record Result(String method, int position, int target, int steps, double f, double fBaseline,
                         double completenessError, List<TokenAttribution> tokens) {}

    public static Result compute(Transformer model, int[] tokens, int pos, int target, Method method, int steps) {
        // The backward pass is core's Java one: the forward it differentiates runs on simd too, whatever the backend.
        model = model.simd();
        if (pos < 0 || pos >= tokens.length) throw new IllegalArgumentException("position " + pos + " is outside the prompt [0, " + tokens.length + ")");
        if (target < 0 || target >= model.config().dVocab()) throw new IllegalArgumentException("target id " + target + " is outside the vocabulary");
        if (method == Method.INTEGRATED_GRADIENTS && (steps < 1 || steps > MAX_STEPS)) {
            throw new IllegalArgumentException("integrated gradients takes 1 to " + MAX_STEPS + " steps, not " + steps);
        }
        Backward backward = new Backward(model.weights());
        int t = tokens.length, d = model.config().dModel();
        float[] embed = embeddings(model, tokens);
        double[] attr = new double[t];
        double f, fBase = Double.NaN, err = Double.NaN;
        switch (method) {
            case SALIENCY, INPUT_X_GRADIENT -> {
                Eval e = evaluate(model, backward, tokens, pos, target, 1.0);
                f = e.f;
                for (int i = 0; i < t; i++) {
                    double s = 0;
                    for (int j = 0; j < d; j++) {
                        double g = e.grad[i * d + j];
                        s += method == Method.SALIENCY ? g * g : embed[i * d + j] * g;
                    }
                    attr[i] = method == Method.SALIENCY ? Math.sqrt(s) : s;
                }
            }
            case INTEGRATED_GRADIENTS -> {
                double[] mean = new double[t * d];
                for (int k = 1; k <= steps; k++) {
                    Eval e = evaluate(model, backward, tokens, pos, target, (k - 0.5) / steps);
                    for (int i = 0; i < mean.length; i++) mean[i] += e.grad[i] / steps;
                }
                for (int i = 0; i < t; i++) {
                    double s = 0;
                    for (int j = 0; j < d; j++) s += embed[i * d + j] * mean[i * d + j];
                    attr[i] = s;
                }
                f = evaluate(model, backward, tokens, pos, target, 1.0).f;
                fBase = logProb(model.run(tokens, new RunOptions(n -> false, Map.of(HookPoint.EMBED, scale(0.0)))).logits(), pos, target);
                double sum = 0;
                for (double a : attr) sum += a;
                err = sum - (f - fBase);
            }
            default -> throw new IllegalStateException();
        }
        List<TokenAttribution> out = new ArrayList<>();
        for (int i = 0; i < t; i++) out.add(new TokenAttribution(i, tokens[i], attr[i]));
        return new Result(method.label(), pos, target, method == Method.INTEGRATED_GRADIENTS ? steps : 0, f, fBase, err, out);
    }

    private record Eval(double f, float[] grad) {}

    /** f and ∂f/∂e at embeddings scaled by alpha (positional embeddings unchanged). */
    private static Eval evaluate(Transformer model, Backward backward, int[] tokens, int pos, int target, double alpha) {
        RunOptions base = Backward.cacheOptions(model.config());
        RunOptions opts = alpha == 1.0 ? base : base.withHooks(Map.of(HookPoint.EMBED, scale(alpha)));
        ActivationCache cache = model.run(tokens, opts);
        Tensor logits = cache.logits();
        double[] lp = LogitOps.logSoftmax(logits, pos);
        // d log_softmax(z)[target] / dz = onehot(target) − softmax(z), on row pos only.
        int v = logits.dim(1);
        Tensor dLogits = Tensor.zeros(logits.dim(0), v);
        for (int i = 0; i < v; i++) dLogits.data()[pos * v + i] = (float) (-Math.exp(lp[i]));
        dLogits.data()[pos * v + target] += 1f;
        Tensor g = backward.inputGradients(tokens, cache, dLogits).dEmbed();
        return new Eval(lp[target], g.data());
    }

    private static org.circuitscope.model.Hook scale(double alpha) {
        return (e, name) -> {
            Tensor c = e.copy();
            for (int i = 0; i < c.size(); i++) c.data()[i] *= (float) alpha;
            return c;
        };
    }

    private static float[] embeddings(Transformer model, int[] tokens) {
        int d = model.config().dModel();
        Tensor we = model.weights().wE();
        float[] out = new float[tokens.length * d];
        for (int i = 0; i < tokens.length; i++) we.copyTo(tokens[i] * d, out, i * d, d);
        return out;
    }

    private static double logProb(Tensor logits, int pos, int target) { return LogitOps.logSoftmax(logits, pos)[target]; }
}

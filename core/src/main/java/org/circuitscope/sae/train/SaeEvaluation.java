package org.circuitscope.sae.train;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.circuitscope.grad.CrossEntropy;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.Hook;
import org.circuitscope.model.RunOptions;
import org.circuitscope.model.Transformer;
import org.circuitscope.sae.Sae;
import org.circuitscope.tensor.Tensor;

/**
 * Measures an SAE on a tokenized text, cut into windows of BOS + seqLen − 1 tokens: L0,
 * fraction of variance explained, dead features, and the model's next-token loss clean, with the
 * SAE spliced in (x̂ replaces x at the hook) and with the hook zero-ablated. The BOS position is
 * left as it is in all three runs and out of the activation figures (the SAE is not trained on
 * the attention sink), so only text positions are reconstructed or ablated.
 */
public final class SaeEvaluation {
    private SaeEvaluation() {}

    public static SaeMetrics evaluate(Transformer model, Sae sae, String textName, int[] ids, int bos, int seqLen, int maxWindows) {
        String hook = sae.config().hookName();
        int d = sae.config().dIn(), m = sae.config().dSae(), per = seqLen - 1;
        double ceClean = 0, ceSpliced = 0, ceZero = 0;
        int ceCount = 0, tokens = 0;
        long active = 0;
        double sse = 0;
        double[] sum = new double[d], sumSq = new double[d];
        boolean[] alive = new boolean[m];
        int windows = 0;
        for (int start = 0; start + 1 < ids.length && windows < maxWindows; start += per, windows++) {
            int[] chunk = Arrays.copyOfRange(ids, start, Math.min(ids.length, start + per));
            int[] w = new int[chunk.length + 1];
            w[0] = bos;
            System.arraycopy(chunk, 0, w, 1, chunk.length);
            ActivationCache clean = model.run(w, RunOptions.names(List.of(hook)));
            Tensor x = clean.get(hook);
            int pos = w.length;
            Tensor f = sae.encode(x);
            Tensor xhat = sae.decode(f);
            float[] xd = x.data(), hd = xhat.data(), fd = f.data();
            for (int p = 1; p < pos; p++) {
                for (int j = 0; j < d; j++) {
                    double v = xd[p * d + j], e = v - hd[p * d + j];
                    sse += e * e;
                    sum[j] += v;
                    sumSq[j] += v * v;
                }
                for (int i = 0; i < m; i++) if (fd[p * m + i] != 0) { active++; alive[i] = true; }
                tokens++;
            }
            Hook splice = (act, name) -> replaceTextPositions(act, xhat.data(), d);
            Hook zero = (act, name) -> replaceTextPositions(act, new float[act.size()], d);
            Tensor spliced = model.run(w, RunOptions.none().withHooks(Map.of(hook, splice))).logits();
            Tensor zeroed = model.run(w, RunOptions.none().withHooks(Map.of(hook, zero))).logits();
            CrossEntropy.Result c = CrossEntropy.nextToken(clean.logits(), w);
            ceClean += c.loss() * c.count();
            ceSpliced += CrossEntropy.nextToken(spliced, w).loss() * c.count();
            ceZero += CrossEntropy.nextToken(zeroed, w).loss() * c.count();
            ceCount += c.count();
        }
        if (tokens == 0) throw new IllegalArgumentException(textName + ": too short to evaluate an SAE on (needs at least two tokens)");
        double sst = 0;
        for (int j = 0; j < d; j++) sst += sumSq[j] - sum[j] * sum[j] / tokens;
        int dead = 0;
        for (boolean a : alive) if (!a) dead++;
        ceClean /= ceCount;
        ceSpliced /= ceCount;
        ceZero /= ceCount;
        return new SaeMetrics(textName, tokens, active / (double) tokens, 1 - sse / sst, sse / tokens, ceClean, ceSpliced, ceZero,
                (ceZero - ceSpliced) / (ceZero - ceClean), dead, m);
    }

    /** The activation with positions 1.. taken from {@code replacement} (BOS kept). */
    private static Tensor replaceTextPositions(Tensor act, float[] replacement, int d) {
        float[] out = act.data().clone();
        System.arraycopy(replacement, d, out, d, out.length - d);
        return Tensor.of(out, act.shape());
    }
}

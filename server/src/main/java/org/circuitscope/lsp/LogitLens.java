package org.circuitscope.lsp;

import java.util.ArrayList;
import java.util.List;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.LogitOps;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Tensor;
import org.eclipse.lsp4j.jsonrpc.CancelChecker;

/**
 * {@code circuitscope.logitLens}: the residual stream at one position after the embeddings
 * and after each attention and MLP sublayer, read out through the final LayerNorm (each
 * vector with its own scale, as TransformerLens's {@code accumulated_resid(apply_ln=True)})
 * and the unembedding. The last entry is the model's own prediction. Stand-in until the
 * circuits library's logit lens is merged.
 */
final class LogitLens {
    private LogitLens() {}

    record Prediction(int id, String text, double prob) {}

    record Layer(String name, double target_logprob, int target_rank, List<Prediction> top) {}

    record Result(String model, int position, Integer token_index, int target_id, String target_text, List<Layer> layers) {}

    static Result run(Target t, PromptRun run, LineIndex idx, CancelChecker cancel) {
        ModelConfig c = run.model().config();
        List<String> names = new ArrayList<>();
        for (int l = 0; l < c.nLayers(); l++) {
            names.add(HookPoint.residPre(l));
            if (!c.attnOnly()) names.add(HookPoint.residMid(l));
        }
        names.add(HookPoint.residPost(c.nLayers() - 1));
        var acts = run.acts().getAll(names, cancel);
        Weights w = run.model().transformer().weights();
        List<Layer> layers = new ArrayList<>();
        for (String n : names) {
            cancel.checkCanceled();
            double[] lp = readOut(c, w, acts.get(n), t.pos());
            List<Prediction> top = new ArrayList<>();
            for (LogitOps.Scored s : LogitOps.topK(lp, 5)) top.add(new Prediction(s.token(), run.model().tokenText(s.token()), Math.exp(s.score())));
            layers.add(new Layer(n, lp[t.id()], LogitOps.rank(lp, t.id()), top));
        }
        return new Result(run.model().name(), t.pos(), t.token() < 0 ? null : t.token(), t.id(), run.model().tokenText(t.id()), layers);
    }

    /** log_softmax(LN_final(resid[pos])·W_U + b_U) in float64. */
    static double[] readOut(ModelConfig c, Weights w, Tensor resid, int pos) {
        int d = c.dModel(), v = c.dVocab();
        float[] r = resid.data();
        double[] x = new double[d];
        for (int j = 0; j < d; j++) x[j] = r[pos * d + j];
        if (c.normalizationType() != Normalization.NONE) {
            double mean = 0, var = 0;
            for (double e : x) mean += e;
            mean /= d;
            for (double e : x) var += (e - mean) * (e - mean);
            double scale = Math.sqrt(var / d + c.eps());
            float[] lw = c.normalizationType() == Normalization.LN ? w.data("ln_final.w") : null;
            float[] lb = c.normalizationType() == Normalization.LN ? w.data("ln_final.b") : null;
            for (int j = 0; j < d; j++) x[j] = (x[j] - mean) / scale * (lw == null ? 1 : lw[j]) + (lb == null ? 0 : lb[j]);
        }
        float[] wu = w.data("unembed.W_U"), bu = w.data("unembed.b_U");
        double[] acc = new double[v];
        for (int k = 0; k < v; k++) acc[k] = bu[k];
        for (int j = 0; j < d; j++) { // row by row: W_U is [d_model, d_vocab]
            double xj = x[j];
            for (int k = 0; k < v; k++) acc[k] += xj * wu[j * v + k];
        }
        float[] logits = new float[v];
        for (int k = 0; k < v; k++) logits[k] = (float) acc[k];
        return LogitOps.logSoftmax(Tensor.of(logits, 1, v), 0);
    }
}

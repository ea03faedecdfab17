package org.circuitscope.report;

import java.util.ArrayList;
import java.util.List;
import org.circuitscope.model.LogitOps;
import org.circuitscope.tensor.Tensor;

/**
 * {@code predict}: every token with its log-probability under the prediction at the position
 * before it, and the model's top predictions after it.
 *
 * @param mean_loss mean of −logprob over the scored positions (null with one token)
 * @param positions every position; {@code logprob} is null at position 0, which nothing predicts
 */
public record PredictReport(String model, int n_tokens, Double mean_loss, List<Row> positions) {

    public record Row(TokenRef token, Double logprob, List<Prediction> top) {}

    /** From the logits {@code [pos, d_vocab]} of the whole prompt. */
    public static PredictReport of(Prompt p, Tensor logits, int top) {
        int n = p.length(), v = logits.shape()[1];
        List<Row> rows = new ArrayList<>(n);
        double loss = 0;
        double[] prev = null;
        for (int q = 0; q < n; q++) {
            Double lp = prev == null ? null : prev[p.ids()[q]];
            if (lp != null) loss -= lp;
            double[] next = LogitOps.logSoftmax(logits, q);
            List<Prediction> preds = new ArrayList<>(top);
            for (LogitOps.Scored s : LogitOps.topK(next, top)) {
                preds.add(new Prediction(s.token(), p.text(s.token()), logits.data()[q * v + s.token()], s.score(), Math.exp(s.score())));
            }
            rows.add(new Row(p.token(q), lp, List.copyOf(preds)));
            prev = next;
        }
        return new PredictReport(p.model(), n, n > 1 ? loss / (n - 1) : null, List.copyOf(rows));
    }
}

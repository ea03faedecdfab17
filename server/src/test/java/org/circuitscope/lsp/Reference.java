package org.circuitscope.lsp;

import java.nio.charset.StandardCharsets;
import org.circuitscope.model.Transformer;
import org.circuitscope.tensor.Tensor;

/**
 * Independent expectations for the LSP tests: the byte-level tokenizer's ids written out by
 * hand (byte b is id b... through GPT-2's byte-to-unicode table, so ids are looked up) and
 * log-softmax in float64 over a direct forward pass.
 */
final class Reference {
    private Reference() {}

    /** log P(token at row+1 | ...) over logits row {@code row}, float64. */
    static double[] logSoftmax(Tensor logits, int row) {
        int v = logits.dim(1);
        float[] d = logits.data();
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int j = 0; j < v; j++) max = Math.max(max, d[row * v + j]);
        for (int j = 0; j < v; j++) sum += Math.exp(d[row * v + j] - max);
        double[] out = new double[v];
        for (int j = 0; j < v; j++) out[j] = d[row * v + j] - max - Math.log(sum);
        return out;
    }

    static int argmax(double[] x) {
        int b = 0;
        for (int i = 1; i < x.length; i++) if (x[i] > x[b]) b = i;
        return b;
    }

    static int rank(double[] x, int id) {
        int r = 1;
        for (int i = 0; i < x.length; i++) if (x[i] > x[id]) r++;
        return r;
    }

    static Tensor logits(Transformer t, int[] ids) { return t.forward(ids); }

    static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }
}

package org.circuitscope.io;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.WeightNames;
import org.circuitscope.tensor.Tensor;

/**
 * Hugging Face GPT-2 state dict → TransformerLens names. GPT-2's Conv1D stores weights as
 * [in, out] (already x·W), so only the fused c_attn needs splitting into per-head Q, K, V
 * blocks; the unembedding is tied to {@code wte} unless {@code lm_head.weight} is present.
 */
final class Gpt2Layout {
    private Gpt2Layout() {}

    static Map<String, Tensor> toTransformerLens(ModelConfig c, TensorSource st) throws IOException {
        String prefix = st.contains("transformer.wte.weight") ? "transformer." : "";
        int d = c.dModel(), h = c.nHeads(), dh = c.dHead(), m = c.dMlp(), v = c.dVocab();
        Map<String, Tensor> out = new LinkedHashMap<>();
        Tensor wte = read(st, prefix + "wte.weight", v, d);
        out.put(WeightNames.W_E, wte);
        out.put(WeightNames.W_POS, read(st, prefix + "wpe.weight", c.nCtx(), d));
        for (int l = 0; l < c.nLayers(); l++) {
            String p = prefix + "h." + l + ".";
            out.put(WeightNames.ln(l, "ln1", "w"), read(st, p + "ln_1.weight", d));
            out.put(WeightNames.ln(l, "ln1", "b"), read(st, p + "ln_1.bias", d));
            float[] cAttn = read(st, p + "attn.c_attn.weight", d, 3 * d).data();
            float[] cAttnB = read(st, p + "attn.c_attn.bias", 3 * d).data();
            String[] names = {"Q", "K", "V"};
            for (int which = 0; which < 3; which++) {
                Tensor w = Tensor.zeros(h, d, dh), b = Tensor.zeros(h, dh);
                for (int hh = 0; hh < h; hh++) {
                    int col = which * d + hh * dh;
                    for (int i = 0; i < d; i++) System.arraycopy(cAttn, i * 3 * d + col, w.data(), (hh * d + i) * dh, dh);
                    System.arraycopy(cAttnB, col, b.data(), hh * dh, dh);
                }
                out.put(WeightNames.attn(l, "W_" + names[which]), w);
                out.put(WeightNames.attn(l, "b_" + names[which]), b);
            }
            // c_proj [d, d]: row hh*dh + e is head hh's row e, exactly W_O [h, dh, d] in memory.
            out.put(WeightNames.attn(l, "W_O"), read(st, p + "attn.c_proj.weight", d, d).reshape(h, dh, d));
            out.put(WeightNames.attn(l, "b_O"), read(st, p + "attn.c_proj.bias", d));
            out.put(WeightNames.ln(l, "ln2", "w"), read(st, p + "ln_2.weight", d));
            out.put(WeightNames.ln(l, "ln2", "b"), read(st, p + "ln_2.bias", d));
            out.put(WeightNames.mlp(l, "W_in"), read(st, p + "mlp.c_fc.weight", d, m));
            out.put(WeightNames.mlp(l, "b_in"), read(st, p + "mlp.c_fc.bias", m));
            out.put(WeightNames.mlp(l, "W_out"), read(st, p + "mlp.c_proj.weight", m, d));
            out.put(WeightNames.mlp(l, "b_out"), read(st, p + "mlp.c_proj.bias", d));
        }
        out.put(WeightNames.LN_FINAL_W, read(st, prefix + "ln_f.weight", d));
        out.put(WeightNames.LN_FINAL_B, read(st, prefix + "ln_f.bias", d));
        Tensor head = st.contains("lm_head.weight") ? read(st, "lm_head.weight", v, d) : wte;
        out.put(WeightNames.W_U, transpose(head));
        out.put(WeightNames.B_U, Tensor.zeros(v));
        return out;
    }

    private static Tensor read(TensorSource st, String name, int... shape) throws IOException {
        if (!st.contains(name)) throw new SafeTensorsException(st.file(), name, st.file() + ": tensor '" + name + "' is missing (GPT-2 layout)");
        Tensor t = st.readWeight(name);
        if (!Arrays.equals(t.shape(), shape)) {
            throw new SafeTensorsException(st.file(), name, st.file() + ": tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                    + " but config.json implies " + Arrays.toString(shape));
        }
        return t;
    }

    static Tensor transpose(Tensor a) {
        int r = a.dim(0), c = a.dim(1);
        Tensor t = Tensor.zeros(c, r);
        float[] s = a.data(), d = t.data();
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) d[j * r + i] = s[i * c + j];
        return t;
    }
}

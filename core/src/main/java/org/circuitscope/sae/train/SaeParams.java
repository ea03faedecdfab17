package org.circuitscope.sae.train;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.circuitscope.sae.Sae;
import org.circuitscope.sae.SaeConfig;
import org.circuitscope.tensor.Tensor;

/**
 * The trainable tensors of an SAE (W_enc [d_in, d_sae], b_enc, W_dec [d_sae, d_in], b_dec),
 * mutable in place by the optimiser; {@link #toSae} copies them into an immutable {@link Sae}.
 */
public final class SaeParams {
    private final SaeConfig cfg;
    final Tensor wEnc, bEnc, wDec, bDec;

    SaeParams(SaeConfig cfg, Tensor wEnc, Tensor bEnc, Tensor wDec, Tensor bDec) {
        this.cfg = cfg;
        this.wEnc = wEnc;
        this.bEnc = bEnc;
        this.wDec = wDec;
        this.bDec = bDec;
    }

    /**
     * SAELens's initialisation: decoder rows random unit directions, W_enc = W_decᵀ, b_enc = 0;
     * b_dec the mean activation, so the encoder starts from centred inputs.
     */
    public static SaeParams init(SaeConfig cfg, float[] meanActivation, long seed) {
        int d = cfg.dIn(), m = cfg.dSae();
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] dec = new float[m * d], enc = new float[d * m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < d; j++) dec[i * d + j] = (float) gaussian(rnd);
        }
        SaeParams p = new SaeParams(cfg, Tensor.of(enc, d, m), Tensor.zeros(m), Tensor.of(dec, m, d), Tensor.of(meanActivation.clone(), d));
        p.normalizeDecoder();
        for (int i = 0; i < m; i++) for (int j = 0; j < d; j++) enc[j * m + i] = dec[i * d + j];
        return p;
    }

    /** From named tensors (a checkpoint). */
    static SaeParams of(SaeConfig cfg, Map<String, Tensor> t) {
        Sae.of(cfg, t.get("W_enc"), t.get("b_enc"), t.get("W_dec"), t.get("b_dec"), null); // checks shapes
        return new SaeParams(cfg, t.get("W_enc"), t.get("b_enc"), t.get("W_dec"), t.get("b_dec"));
    }

    public SaeConfig config() { return cfg; }

    /** The tensors by SAELens's names, shared (the optimiser updates them in place). */
    public Map<String, Tensor> named() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("W_enc", wEnc);
        m.put("b_enc", bEnc);
        m.put("W_dec", wDec);
        m.put("b_dec", bDec);
        return m;
    }

    /** Scales every decoder row to unit L2 norm (the constraint the L1 penalty needs to mean anything). */
    public void normalizeDecoder() {
        int d = cfg.dIn();
        float[] w = wDec.data();
        for (int i = 0; i < cfg.dSae(); i++) {
            double s = 0;
            for (int j = 0; j < d; j++) s += (double) w[i * d + j] * w[i * d + j];
            if (s == 0) continue;
            float inv = (float) (1 / Math.sqrt(s));
            for (int j = 0; j < d; j++) w[i * d + j] *= inv;
        }
    }

    /** An immutable SAE holding copies of the tensors. */
    public Sae toSae() {
        return Sae.of(cfg, wEnc.copy(), bEnc.copy(), wDec.copy(), bDec.copy(), null);
    }

    static double gaussian(SplittableRandom r) {
        double u = r.nextDouble(), v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }
}

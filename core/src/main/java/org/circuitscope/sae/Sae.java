package org.circuitscope.sae;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.circuitscope.io.SafeTensors;
import org.circuitscope.io.SafeTensorsWriter;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.tensor.Kernels;
import org.circuitscope.tensor.Tensor;

/**
 * A sparse autoencoder at a hook point, as SAELens (v6.18.0) computes it:
 * <pre>
 *   x̃ = x − b_dec            (only when apply_b_dec_to_input)
 *   pre = x̃ W_enc + b_enc     W_enc [d_in, d_sae]
 *   f = σ(pre)               relu; topk: the k largest pre, relu'd, the rest 0;
 *                            jumprelu: relu(pre) where pre &gt; threshold, else 0
 *   x̂ = f W_dec + b_dec       W_dec [d_sae, d_in]
 * </pre>
 * Both products run on the {@link Kernels} gemm. Immutable once built: the tensors are
 * never written after construction.
 */
public final class Sae {
    public static final String WEIGHTS = "sae_weights.safetensors";

    private final SaeConfig cfg;
    private final Tensor wEnc, bEnc, wDec, bDec, threshold;

    private Sae(SaeConfig cfg, Tensor wEnc, Tensor bEnc, Tensor wDec, Tensor bDec, Tensor threshold) {
        this.cfg = cfg;
        this.wEnc = wEnc;
        this.bEnc = bEnc;
        this.wDec = wDec;
        this.bDec = bDec;
        this.threshold = threshold;
    }

    /**
     * An SAE from its tensors (not copied: the caller hands them over). {@code threshold} is
     * required for jumprelu and ignored otherwise.
     *
     * @throws IllegalArgumentException naming the tensor whose shape or values are wrong
     */
    public static Sae of(SaeConfig cfg, Tensor wEnc, Tensor bEnc, Tensor wDec, Tensor bDec, Tensor threshold) {
        int dIn = cfg.dIn(), dSae = cfg.dSae();
        shape("W_enc", wEnc, dIn, dSae);
        shape("b_enc", bEnc, dSae);
        shape("W_dec", wDec, dSae, dIn);
        shape("b_dec", bDec, dIn);
        if (cfg.architecture() == SaeConfig.Architecture.JUMPRELU) shape("threshold", threshold, dSae);
        else threshold = null;
        return new Sae(cfg, wEnc, bEnc, wDec, bDec, threshold);
    }

    /** Reads an SAE folder in SAELens's layout; its name is the folder's name. */
    public static Sae load(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        String name = abs.getFileName() == null ? "sae" : abs.getFileName().toString();
        if (!Files.isDirectory(abs)) throw new SaeFormatException(abs, "not a folder; an SAE is a folder holding cfg.json and " + WEIGHTS);
        SaeConfig cfg = SaeConfigJson.read(abs, name);
        Path file = abs.resolve(WEIGHTS);
        if (!Files.isRegularFile(file)) throw new SaeFormatException(file, "missing: the SAE's weights belong in " + WEIGHTS);
        Map<String, Tensor> t = new LinkedHashMap<>();
        try (SafeTensors st = SafeTensors.open(file)) {
            List<String> need = new ArrayList<>(List.of("W_enc", "b_enc", "W_dec", "b_dec"));
            if (cfg.architecture() == SaeConfig.Architecture.JUMPRELU) need.add("threshold");
            List<String> missing = need.stream().filter(n -> !st.contains(n)).toList();
            if (!missing.isEmpty()) {
                throw new SaeFormatException(file, "missing tensor(s) " + missing + " for a " + cfg.architecture().saeLensName()
                        + " SAE (the file holds " + st.names() + ")");
            }
            for (String n : need) t.put(n, st.readWeight(n));
            if (st.contains("scaling_factor")) {
                for (float v : st.readWeight("scaling_factor").data()) {
                    if (v != 1f) throw new SaeFormatException(file, "scaling_factor other than 1 (SAELens's finetuning scaling) is not supported; fold it into W_dec first");
                }
            }
        } catch (org.circuitscope.io.SafeTensorsException e) {
            throw new SaeFormatException(file, e.getMessage(), e);
        }
        for (var e : t.entrySet()) {
            for (float v : e.getValue().data()) {
                if (!Float.isFinite(v)) throw new SaeFormatException(file, "tensor '" + e.getKey() + "' holds NaN or infinite values");
            }
        }
        try {
            return of(cfg, t.get("W_enc"), t.get("b_enc"), t.get("W_dec"), t.get("b_dec"), t.get("threshold"));
        } catch (IllegalArgumentException e) {
            throw new SaeFormatException(file, e.getMessage() + " (cfg.json says d_in " + cfg.dIn() + ", d_sae " + cfg.dSae() + ")", e);
        }
    }

    /** Writes {@code sae} to {@code dir} in SAELens 6's layout (cfg.json + sae_weights.safetensors). */
    public static void save(Sae sae, Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("W_enc", sae.wEnc);
        t.put("b_enc", sae.bEnc);
        t.put("W_dec", sae.wDec);
        t.put("b_dec", sae.bDec);
        if (sae.threshold != null) t.put("threshold", sae.threshold);
        SafeTensorsWriter.write(dir.resolve(WEIGHTS), t, Map.of());
        SaeConfigJson.write(sae.cfg, dir);
    }

    public SaeConfig config() { return cfg; }

    public String name() { return cfg.name(); }

    /** A copy under another name (a folder's name when saved elsewhere). */
    public Sae withName(String name) {
        SaeConfig c = new SaeConfig(name, cfg.architecture(), cfg.dIn(), cfg.dSae(), cfg.hookName(), cfg.k(), cfg.applyBDecToInput(), cfg.normalizeActivations());
        return new Sae(c, wEnc, bEnc, wDec, bDec, threshold);
    }

    /** Named tensors as in the safetensors file (shared, not copied; do not write). */
    public Map<String, Tensor> tensors() {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("W_enc", wEnc);
        t.put("b_enc", bEnc);
        t.put("W_dec", wDec);
        t.put("b_dec", bDec);
        if (threshold != null) t.put("threshold", threshold);
        return t;
    }

    /** The pre-activations {@code (x − b_dec) W_enc + b_enc}, {@code [pos, d_sae]}; x is {@code [pos, …]} with d_in values per position. */
    public Tensor preActivations(Tensor x) {
        int pos = rows(x), dIn = cfg.dIn(), dSae = cfg.dSae();
        float[] in = x.data();
        if (cfg.applyBDecToInput()) {
            in = in.clone();
            float[] b = bDec.data();
            for (int p = 0; p < pos; p++) for (int j = 0; j < dIn; j++) in[p * dIn + j] -= b[j];
        }
        float[] pre = new float[pos * dSae];
        for (int p = 0; p < pos; p++) System.arraycopy(bEnc.data(), 0, pre, p * dSae, dSae);
        Kernels.get().gemm(false, false, pos, dSae, dIn, in, 0, dIn, wEnc.data(), 0, dSae, pre, 0, dSae, true);
        return Tensor.of(pre, pos, dSae);
    }

    /** Dense feature activations {@code [pos, d_sae]}. */
    public Tensor encode(Tensor x) {
        Tensor pre = preActivations(x);
        activate(pre.data(), rows(x));
        return pre;
    }

    /** Applies the activation function to pre-activations in place ({@code pos} rows of d_sae). */
    void activate(float[] pre, int pos) {
        int dSae = cfg.dSae();
        switch (cfg.architecture()) {
            case RELU -> Kernels.get().relu(pre, 0, pos * dSae);
            case JUMPRELU -> {
                float[] th = threshold.data();
                for (int p = 0; p < pos; p++) {
                    for (int i = 0, o = p * dSae; i < dSae; i++) if (!(pre[o + i] > th[i]) || pre[o + i] < 0) pre[o + i] = 0;
                }
            }
            case TOPK -> {
                for (int p = 0; p < pos; p++) TopKRows.keepTopK(pre, p * dSae, dSae, cfg.k());
            }
        }
    }

    /** The active features per token, sorted by activation descending, zeros dropped. */
    public SparseFeatures encodeSparse(Tensor x) {
        Tensor f = encode(x);
        int pos = f.dim(0), dSae = cfg.dSae();
        float[] d = f.data();
        int[][] idx = new int[pos][];
        float[][] val = new float[pos][];
        for (int p = 0; p < pos; p++) {
            int n = 0;
            for (int i = 0; i < dSae; i++) if (d[p * dSae + i] != 0) n++;
            Integer[] order = new Integer[n];
            for (int i = 0, j = 0; i < dSae; i++) if (d[p * dSae + i] != 0) order[j++] = i;
            final int row = p * dSae;
            Arrays.sort(order, (a, b) -> Float.compare(d[row + b], d[row + a]));
            idx[p] = new int[n];
            val[p] = new float[n];
            for (int j = 0; j < n; j++) {
                idx[p][j] = order[j];
                val[p][j] = d[row + order[j]];
            }
        }
        return new SparseFeatures(idx, val);
    }

    /** The reconstruction {@code f W_dec + b_dec}, {@code [pos, d_in]}. */
    public Tensor decode(Tensor f) {
        int dSae = cfg.dSae(), dIn = cfg.dIn();
        if (f.size() % dSae != 0 || f.rank() < 1 || f.dim(-1) != dSae) {
            throw new IllegalArgumentException("SAE " + name() + " decodes [pos, " + dSae + "] feature activations, got " + f);
        }
        int pos = f.size() / dSae;
        float[] out = new float[pos * dIn];
        for (int p = 0; p < pos; p++) System.arraycopy(bDec.data(), 0, out, p * dIn, dIn);
        Kernels.get().gemm(false, false, pos, dIn, dSae, f.data(), 0, dSae, wDec.data(), 0, dIn, out, 0, dIn, true);
        return Tensor.of(out, pos, dIn);
    }

    /** Feature {@code i}'s decoder direction, {@code W_dec[i]} (a copy). */
    public float[] decoderRow(int i) {
        if (i < 0 || i >= cfg.dSae()) throw new IndexOutOfBoundsException("SAE " + name() + " has features 0.." + (cfg.dSae() - 1) + ", not " + i);
        return Arrays.copyOfRange(wDec.data(), i * cfg.dIn(), (i + 1) * cfg.dIn());
    }

    /**
     * Checks this SAE can sit at its hook point in a model of {@code model}: the hook exists
     * and its width is d_in.
     *
     * @throws IllegalArgumentException saying which of the two fails and what would fit
     */
    public void checkAttachable(ModelConfig model) {
        String hook = cfg.hookName();
        if (!HookPoint.all(model).contains(hook)) {
            throw new IllegalArgumentException("SAE " + name() + " reads hook point '" + hook + "', which model "
                    + model.modelName() + " does not have (it has " + model.nLayers() + " layer(s)"
                    + (model.attnOnly() ? ", attention only" : "") + ")");
        }
        OptionalInt w = HookWidths.of(model, hook);
        if (w.isEmpty()) throw new IllegalArgumentException("SAE " + name() + " reads '" + hook + "', which is not a hook point SAEs attach to (residual stream, block outputs, MLP activations, hook_z)");
        if (w.getAsInt() != cfg.dIn()) {
            throw new IllegalArgumentException("SAE " + name() + " has d_in " + cfg.dIn() + " but '" + hook + "' of model "
                    + model.modelName() + " is " + w.getAsInt() + " wide; this SAE was trained for another model");
        }
    }

    /** Positions in x: {@code [pos, d_in]}, or {@code [pos, head, d_head]} with head·d_head = d_in (hook_z). */
    private int rows(Tensor x) {
        boolean flat = x.rank() == 2 && x.dim(1) == cfg.dIn();
        boolean heads = x.rank() == 3 && x.dim(1) * x.dim(2) == cfg.dIn();
        if (!flat && !heads) throw new IllegalArgumentException("SAE " + name() + " reads [pos, " + cfg.dIn() + "] activations, got " + x);
        return x.dim(0);
    }

    private static void shape(String name, Tensor t, int... want) {
        if (t == null) throw new IllegalArgumentException("tensor '" + name + "' is missing");
        if (!Arrays.equals(t.shape(), want)) {
            throw new IllegalArgumentException("tensor '" + name + "' has shape " + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(want));
        }
    }

    @Override
    public String toString() {
        return "Sae[" + name() + ", " + cfg.architecture().label() + (cfg.k() > 0 ? " k=" + cfg.k() : "") + ", " + cfg.hookName()
                + ", " + cfg.dIn() + "→" + cfg.dSae() + "]";
    }
}

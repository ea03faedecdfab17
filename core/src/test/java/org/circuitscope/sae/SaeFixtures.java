package org.circuitscope.sae;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.circuitscope.io.SafeTensorsWriter;
import org.circuitscope.tensor.Tensor;

/**
 * SAE folders written as SAELens v6.18.0 writes them ({@code SAE.save_model}: the state dict to
 * sae_weights.safetensors, {@code cfg.to_dict()} to cfg.json), or as pre-6 SAELens did (flat
 * cfg.json with hook_name/activation_fn/activation_fn_kwargs at the top level).
 */
final class SaeFixtures {
    private SaeFixtures() {}

    /** SAELens 6's cfg.json for {@code arch} ("standard", "topk", "jumprelu"). */
    static String v6Config(String arch, int dIn, int dSae, String hook, int k, boolean applyBDec) {
        return """
                {"d_in": %d, "d_sae": %d, "dtype": "float32", "device": "cpu", "apply_b_dec_to_input": %s,
                 "normalize_activations": "none", "reshape_activations": "none",
                 %s
                 "metadata": {"sae_lens_version": "6.18.0", "sae_lens_training_version": "6.18.0",
                              "model_name": "tiny", "hook_name": "%s", "hook_head_index": null, "prepend_bos": true},
                 "architecture": "%s"}
                """.formatted(dIn, dSae, applyBDec, arch.equals("topk") ? "\"k\": " + k + ", \"rescale_acts_by_decoder_norm\": false," : "", hook, arch);
    }

    /** The flat pre-6 cfg.json (SAELens 3–5): activation_fn "relu" or "topk" with activation_fn_kwargs.k; architecture optional. */
    static String flatConfig(String activationFn, String architecture, int dIn, int dSae, String hook, int k, boolean applyBDec) {
        return """
                {"model_name": "tiny", "hook_name": "%s", "hook_layer": 0, "hook_head_index": null,
                 "d_in": %d, "d_sae": %d, "activation_fn": "%s", "activation_fn_kwargs": %s,
                 %s "apply_b_dec_to_input": %s, "normalize_activations": false, "finetuning_scaling_factor": false,
                 "dtype": "float32", "device": "cpu", "sae_lens_training_version": "4.4.1", "prepend_bos": true}
                """.formatted(hook, dIn, dSae, activationFn, activationFn.equals("topk") ? "{\"k\": " + k + "}" : "{}",
                architecture == null ? "" : "\"architecture\": \"" + architecture + "\",", applyBDec);
    }

    /** Random weights of the right shapes (threshold positive, so some pre-activations fall below it). */
    static Map<String, Tensor> weights(int dIn, int dSae, boolean threshold, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("W_enc", random(r, 1, dIn, dSae));
        t.put("b_enc", random(r, 0.3, dSae));
        t.put("W_dec", random(r, 1, dSae, dIn));
        t.put("b_dec", random(r, 0.5, dIn));
        if (threshold) {
            float[] th = new float[dSae];
            for (int i = 0; i < dSae; i++) th[i] = (float) (r.nextDouble() * 1.5);
            t.put("threshold", Tensor.of(th, dSae));
        }
        return t;
    }

    static Tensor random(SplittableRandom r, double scale, int... shape) {
        float[] d = new float[(int) Tensor.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        return Tensor.of(d, shape);
    }

    static Path write(Path dir, String cfgJson, Map<String, Tensor> tensors) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("cfg.json"), cfgJson);
        SafeTensorsWriter.write(dir.resolve("sae_weights.safetensors"), tensors, Map.of());
        return dir;
    }
}

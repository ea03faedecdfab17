package org.circuitscope.sae;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * SAELens's {@code cfg.json}, as SAELens v6.18.0 reads it. A config whose
 * {@code sae_lens_version} (top level or under {@code metadata}) is 6 or later is the SAELens 6
 * layout: {@code architecture} ("standard", "topk", "jumprelu"), {@code k} for topk and the hook
 * under {@code metadata.hook_name}. Anything else is the older flat layout, upgraded as
 * SAELens's {@code handle_pre_6_0_config} does: {@code hook_point} → {@code hook_name},
 * {@code activation_fn_str} → {@code activation_fn}, topk from {@code activation_fn_kwargs.k},
 * a boolean {@code normalize_activations}, {@code apply_b_dec_to_input} true unless given.
 */
final class SaeConfigJson {
    static final String FILE = "cfg.json";
    /** Written into metadata so SAELens reads our files as its 6.x layout, not the pre-6 one. */
    static final String WRITTEN_AS_VERSION = "6.18.0";

    private SaeConfigJson() {}

    static SaeConfig read(Path dir, String name) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new SaeFormatException(file, "no cfg.json: an SAE folder in SAELens's layout holds cfg.json and sae_weights.safetensors");
        }
        JsonElement root;
        try {
            root = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonParseException e) {
            throw new SaeFormatException(file, "not valid JSON (" + e.getMessage() + ")", e);
        }
        if (!root.isJsonObject()) throw new SaeFormatException(file, "cfg.json must hold a JSON object");
        try {
            return parse(root.getAsJsonObject(), name);
        } catch (SaeFormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new SaeFormatException(file, e.getMessage(), e);
        }
    }

    static SaeConfig parse(JsonObject cfg, String name) {
        JsonObject meta = cfg.has("metadata") && cfg.get("metadata").isJsonObject() ? cfg.getAsJsonObject("metadata") : new JsonObject();
        String version = str(cfg, "sae_lens_version", str(meta, "sae_lens_version", null));
        boolean v6 = version != null && major(version) >= 6;
        int dIn = integer(cfg, "d_in"), dSae = integer(cfg, "d_sae");
        String norm = cfg.has("normalize_activations") && cfg.get("normalize_activations").isJsonPrimitive()
                && cfg.getAsJsonPrimitive("normalize_activations").isBoolean()
                ? (cfg.get("normalize_activations").getAsBoolean() ? "expected_average_only_in" : "none")
                : str(cfg, "normalize_activations", "none");
        boolean applyBDec = bool(cfg, "apply_b_dec_to_input", true);
        if (cfg.has("hook_head_index") && !cfg.get("hook_head_index").isJsonNull()
                || meta.has("hook_head_index") && !meta.get("hook_head_index").isJsonNull()) {
            throw new IllegalArgumentException("hook_head_index is set: SAEs on a single head's slice are not supported");
        }
        SaeConfig.Architecture arch;
        int k = 0;
        String hook;
        if (v6) {
            if (!has(cfg, "architecture")) throw new IllegalArgumentException("missing field 'architecture' (SAELens " + version + " writes it)");
            arch = SaeConfig.Architecture.fromSaeLens(str(cfg, "architecture", null));
            hook = str(meta, "hook_name", str(cfg, "hook_name", null));
            if (arch == SaeConfig.Architecture.TOPK) {
                k = cfg.has("k") ? integer(cfg, "k") : 100; // TopKSAEConfig's default
                if (bool(cfg, "rescale_acts_by_decoder_norm", false)) {
                    throw new IllegalArgumentException("rescale_acts_by_decoder_norm = true is not supported; fold the decoder norms first");
                }
            }
        } else {
            hook = str(cfg, "hook_name", str(cfg, "hook_point", str(meta, "hook_name", null)));
            String act = str(cfg, "activation_fn", str(cfg, "activation_fn_str", "relu"));
            String archName = str(cfg, "architecture", "standard");
            JsonObject kwargs = cfg.has("activation_fn_kwargs") && cfg.get("activation_fn_kwargs").isJsonObject()
                    ? cfg.getAsJsonObject("activation_fn_kwargs") : new JsonObject();
            if (act.equals("topk") && has(kwargs, "k")) {
                archName = "topk";
                k = integer(kwargs, "k");
            } else if (archName.equals("topk")) {
                k = cfg.has("k") ? integer(cfg, "k") : 100;
            } else if (!act.equals("relu")) {
                throw new IllegalArgumentException("unknown activation_fn '" + act + "'; circuitscope reads relu, topk (with activation_fn_kwargs.k) and jumprelu");
            }
            arch = SaeConfig.Architecture.fromSaeLens(archName);
        }
        if (hook == null) throw new IllegalArgumentException("missing field 'hook_name'" + (v6 ? " under metadata" : ""));
        return new SaeConfig(name, arch, dIn, dSae, hook, k, applyBDec, norm);
    }

    /** The SAELens 6 layout of {@code c}. */
    static void write(SaeConfig c, Path dir) throws IOException {
        JsonObject meta = new JsonObject();
        meta.addProperty("hook_name", c.hookName());
        meta.addProperty("sae_lens_version", WRITTEN_AS_VERSION);
        meta.addProperty("sae_lens_training_version", WRITTEN_AS_VERSION);
        meta.addProperty("written_by", "circuitscope");
        JsonObject o = new JsonObject();
        o.addProperty("architecture", c.architecture().saeLensName());
        o.addProperty("d_in", c.dIn());
        o.addProperty("d_sae", c.dSae());
        o.addProperty("dtype", "float32");
        o.addProperty("device", "cpu");
        o.addProperty("apply_b_dec_to_input", c.applyBDecToInput());
        o.addProperty("normalize_activations", c.normalizeActivations());
        o.addProperty("reshape_activations", c.hookName().endsWith("hook_z") ? "hook_z" : "none");
        if (c.architecture() == SaeConfig.Architecture.TOPK) {
            o.addProperty("k", c.k());
            o.addProperty("rescale_acts_by_decoder_norm", false);
        }
        o.add("metadata", meta);
        Files.writeString(dir.resolve(FILE), new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(o) + "\n");
    }

    private static int major(String version) {
        int i = 0;
        while (i < version.length() && Character.isDigit(version.charAt(i))) i++;
        return i == 0 ? 0 : Integer.parseInt(version.substring(0, Math.min(i, 9)));
    }

    private static boolean has(JsonObject o, String k) { return o.has(k) && !o.get(k).isJsonNull(); }

    private static String str(JsonObject o, String k, String dflt) {
        if (!has(o, k)) return dflt;
        JsonElement e = o.get(k);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) throw new IllegalArgumentException(k + " must be a string, got " + e);
        return e.getAsString();
    }

    private static boolean bool(JsonObject o, String k, boolean dflt) {
        if (!has(o, k)) return dflt;
        JsonElement e = o.get(k);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) throw new IllegalArgumentException(k + " must be true or false, got " + e);
        return e.getAsBoolean();
    }

    private static int integer(JsonObject o, String k) {
        if (!has(o, k)) throw new IllegalArgumentException("missing field '" + k + "'");
        JsonElement e = o.get(k);
        try {
            if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) return new java.math.BigDecimal(e.getAsString()).intValueExact();
        } catch (ArithmeticException | NumberFormatException ignored) {
            // falls through to the message below
        }
        throw new IllegalArgumentException(k + " must be an integer, got " + e);
    }
}

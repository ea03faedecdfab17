package org.circuitscope.sae.train;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.circuitscope.sae.SaeConfig;

/**
 * The card beside a trained SAE: {@code SAE_CARD.md} (what it is, how it was trained, its
 * figures on each evaluation text) and {@code sae_metrics.json} (the same figures for programs).
 */
public final class SaeCard {
    public static final String CARD = "SAE_CARD.md", METRICS = "sae_metrics.json";

    /** How the SAE came to be, for the card. */
    public record Training(String model, List<String> corpus, SaeTrainOptions options, int tokensPerStep, long wallSeconds, String command) {}

    private SaeCard() {}

    public static void write(Path dir, SaeConfig cfg, Training t, List<SaeMetrics> metrics) throws IOException {
        Files.writeString(dir.resolve(CARD), markdown(cfg, t, metrics));
        Files.writeString(dir.resolve(METRICS), json(cfg, t, metrics));
    }

    static String markdown(SaeConfig cfg, Training t, List<SaeMetrics> metrics) {
        SaeTrainOptions o = t.options();
        StringBuilder b = new StringBuilder();
        b.append("# ").append(cfg.name()).append("\n\n");
        b.append("A sparse autoencoder on `").append(cfg.hookName()).append("` of `").append(t.model())
                .append("`, trained here with `circuitscope train-sae`; SAELens 6 layout (`cfg.json` + `sae_weights.safetensors`).\n\n");
        b.append("| | |\n| --- | --- |\n");
        b.append("| shape | d_in ").append(cfg.dIn()).append(", d_sae ").append(cfg.dSae()).append(", ").append(cfg.architecture().label())
                .append(cfg.architecture() == SaeConfig.Architecture.TOPK ? " (k " + cfg.k() + ")" : " (L1 " + o.l1() + " × decoder norms)")
                .append(", apply_b_dec_to_input ").append(cfg.applyBDecToInput()).append(" |\n");
        b.append("| data | ").append(String.join(", ", t.corpus())).append("; activations streamed from the forward pass, windows of BOS + ")
                .append("text with the BOS position left out |\n");
        b.append(String.format(Locale.ROOT, "| training | %,d steps × %,d tokens = %,d tokens; AdamW lr %s (50 warm-up steps, linear decay over the last 20%%), seed %d; decoder rows unit-norm after every step; dead features (silent for %d steps) resampled every %d steps |%n",
                o.steps(), t.tokensPerStep(), (long) o.steps() * t.tokensPerStep(), o.lr(), o.seed(), o.deadAfter(), o.resampleEvery()));
        b.append(String.format(Locale.ROOT, "| wall time | %dm%02ds on a shared 2-core CPU (under load) |%n", t.wallSeconds() / 60, t.wallSeconds() % 60));
        b.append("\n## Figures\n\nCE loss recovered = (zero-ablated − spliced) / (zero-ablated − clean); the SAE's reconstruction replaces the")
                .append(" activation at every text position (BOS kept); dead = active on none of the evaluation tokens.\n\n");
        b.append("| text | tokens | L0 | variance explained | CE clean | CE spliced | CE zero-ablated | CE loss recovered | dead features |\n");
        b.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (SaeMetrics m : metrics) {
            b.append(String.format(Locale.ROOT, "| %s | %,d | %.1f | %.3f | %.3f | %.3f | %.3f | %.3f | %d (%.1f%%) |%n", m.text(), m.tokens(), m.l0(),
                    m.varianceExplained(), m.ceClean(), m.ceSpliced(), m.ceZeroAblated(), m.ceLossRecovered(), m.deadFeatures(), 100 * m.deadFraction()));
        }
        b.append("\n## Reproduce\n\n```\n").append(t.command()).append("\n```\n");
        b.append("\nA rerun of an interrupted command resumes from `checkpoint.safetensors` in the output folder.\n");
        return b.toString();
    }

    static String json(SaeConfig cfg, Training t, List<SaeMetrics> metrics) {
        JsonObject o = new JsonObject();
        o.addProperty("name", cfg.name());
        o.addProperty("model", t.model());
        o.addProperty("hook_name", cfg.hookName());
        o.addProperty("architecture", cfg.architecture().saeLensName());
        o.addProperty("d_in", cfg.dIn());
        o.addProperty("d_sae", cfg.dSae());
        if (cfg.k() > 0) o.addProperty("k", cfg.k());
        o.addProperty("steps", t.options().steps());
        o.addProperty("tokens_seen", (long) t.options().steps() * t.tokensPerStep());
        o.addProperty("wall_seconds", t.wallSeconds());
        JsonArray arr = new JsonArray();
        for (SaeMetrics m : metrics) {
            JsonObject e = new JsonObject();
            e.addProperty("text", m.text());
            e.addProperty("tokens", m.tokens());
            e.addProperty("l0", m.l0());
            e.addProperty("variance_explained", m.varianceExplained());
            e.addProperty("mse", m.mse());
            e.addProperty("ce_clean", m.ceClean());
            e.addProperty("ce_spliced", m.ceSpliced());
            e.addProperty("ce_zero_ablated", m.ceZeroAblated());
            e.addProperty("ce_loss_recovered", m.ceLossRecovered());
            e.addProperty("dead_features", m.deadFeatures());
            e.addProperty("dead_fraction", m.deadFraction());
            arr.add(e);
        }
        o.add("evaluations", arr);
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(o) + "\n";
    }
}

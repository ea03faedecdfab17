package org.circuitscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.io.ModelDirectory;
import org.circuitscope.sae.Sae;
import org.circuitscope.sae.SaeConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train-sae} end to end on a small random model: an SAE folder that loads, its card, and clear refusals. */
class TrainSaeCliTest {
    @TempDir static Path tmp;
    static Path model, corpus;

    static CliTest.Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new CliTest.Run(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void makeModelAndCorpus() throws Exception {
        model = tmp.resolve("m");
        CliTest.Run r = run("random-model", "--out", model.toString(), "--n-layers", "2", "--d-model", "32", "--n-heads", "2",
                "--d-head", "16", "--d-mlp", "64", "--n-ctx", "64", "--seed", "3", "--init-std", "0.3");
        assertEquals(0, r.code(), r.err());
        corpus = Files.writeString(tmp.resolve("corpus.txt"), "In the beginning God created the heaven and the earth. ".repeat(80));
    }

    @Test
    void trainsAnSaeFolderInSaeLensLayoutWithItsCard() throws Exception {
        Path out = tmp.resolve("mlp0");
        CliTest.Run r = run("train-sae", "--model", model.toString(), "--hook", "blocks.0.mlp.hook_post", "--arch", "topk", "--k", "4",
                "--d-sae", "48", "--tokens", "1500", "--seq-len", "32", "--windows-per-batch", "2", "--out", out.toString(), corpus.toString());
        assertEquals(0, r.code(), r.err());
        Sae sae = Sae.load(out);
        assertEquals("mlp0", sae.name());
        assertEquals(SaeConfig.Architecture.TOPK, sae.config().architecture());
        assertEquals(64, sae.config().dIn());
        try (LoadedModel m = ModelDirectory.load(model)) {
            sae.checkAttachable(m.config());
        }
        String card = Files.readString(out.resolve("SAE_CARD.md"));
        assertTrue(card.contains("CE loss recovered") && card.contains("last 5% of the corpus"), card);
        JsonObject metrics = JsonParser.parseString(Files.readString(out.resolve("sae_metrics.json"))).getAsJsonObject();
        JsonObject eval = metrics.getAsJsonArray("evaluations").get(0).getAsJsonObject();
        assertTrue(eval.get("l0").getAsDouble() <= 4, eval.toString());
        assertFalse(Files.exists(out.resolve("checkpoint.safetensors")), "the checkpoint is dropped once the SAE is written");
    }

    @Test
    void aHookThatIsNotThereIsOneClearError() {
        CliTest.Run r = run("train-sae", "--model", model.toString(), "--hook", "blocks.5.hook_resid_post", "--out",
                tmp.resolve("x").toString(), corpus.toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("'blocks.5.hook_resid_post' is not a hook point"), r.err());
        r = run("train-sae", "--model", model.toString(), "--hook", "blocks.0.hook_resid_post", "--arch", "gated", "--out",
                tmp.resolve("y").toString(), corpus.toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("--arch must be relu or topk"), r.err());
    }
}

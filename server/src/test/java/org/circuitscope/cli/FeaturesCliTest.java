package org.circuitscope.cli;

import static org.circuitscope.cli.AnalysisCliTest.json;
import static org.circuitscope.cli.AnalysisCliTest.run;
import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.io.ModelDirectory;
import org.circuitscope.lsp.TestSaes;
import org.circuitscope.model.LogitOps;
import org.circuitscope.model.RunOptions;
import org.circuitscope.sae.Sae;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code features} and {@code ablate --feature}: JSON against the SAE applied to a direct run, and one-line errors. */
class FeaturesCliTest {
    static final String HOOK = "blocks.0.hook_resid_post";
    @TempDir static Path tmp;
    static Path text, saeDir, mlpDir;
    static LoadedModel model;
    static Sae sae;
    static int[] ids;

    @BeforeAll
    static void setUp() throws Exception {
        text = Files.writeString(tmp.resolve("a.txt"), "And God called the light Day, and the darkness he called Night.");
        saeDir = TestSaes.relu(tmp, "resid0", HOOK, 128, 48, 7);
        mlpDir = TestSaes.topK(tmp, "mlp1", "blocks.1.mlp.hook_post", 512, 64, 4, 8);
        sae = Sae.load(saeDir);
        model = ModelDirectory.load(TestSaes.ATTN_ONLY_2L);
        int[] b = model.tokenizer().orElseThrow().encode(Files.readString(text)).ids();
        ids = new int[b.length + 1];
        ids[0] = model.tokenizer().orElseThrow().bosId().getAsInt();
        System.arraycopy(b, 0, ids, 1, b.length);
    }

    @AfterAll
    static void tearDown() { model.close(); }

    static Tensor encoded() {
        return sae.encode(model.transformer().run(ids, RunOptions.names(List.of(HOOK))).get(HOOK));
    }

    @Test
    void featuresPrintsEachTokensActiveFeaturesAsTheSaeEncodesThem() {
        JsonObject r = json("features", "--model", TestSaes.ATTN_ONLY_2L.toString(), "--sae", saeDir.toString(), "--text", text.toString(),
                "--top", "4", "--json");
        JsonArray rows = r.getAsJsonArray("tokens");
        assertEquals(ids.length, rows.size());
        Tensor enc = encoded();
        for (int p = 0; p < ids.length; p++) {
            JsonObject row = rows.get(p).getAsJsonObject();
            int active = 0;
            float best = 0;
            int bestIndex = -1;
            for (int i = 0; i < 48; i++) {
                float a = enc.data()[p * 48 + i];
                if (a > 0) active++;
                if (a > best) { best = a; bestIndex = i; }
            }
            assertEquals(active, row.get("active").getAsInt(), "L0 at " + p);
            JsonArray fs = row.getAsJsonArray("features");
            assertEquals(Math.min(4, active), fs.size(), "features listed at " + p);
            if (active > 0) {
                assertEquals("resid0:" + bestIndex, fs.get(0).getAsJsonObject().get("feature").getAsString(), "strongest at " + p);
                assertEquals(best, fs.get(0).getAsJsonObject().get("activation").getAsDouble(), 1e-5);
            }
        }
        AnalysisCliTest.Run text = run("features", "--model", TestSaes.ATTN_ONLY_2L.toString(), "--sae", saeDir.toString(), "--text", FeaturesCliTest.text.toString());
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("resid0:"), text.out());
    }

    @Test
    void ablateFeatureAtZeroMatchesAForwardWithoutTheFeaturesShare() {
        Tensor enc = encoded();
        int feature = 0, most = -1;
        for (int i = 0; i < 48; i++) {
            int n = 0;
            for (int p = 0; p < ids.length; p++) if (enc.data()[p * 48 + i] > 0) n++;
            if (n > most) { most = n; feature = i; }
        }
        float[] dec = sae.decoderRow(feature);
        int fi = feature;
        Tensor ablated = model.transformer().run(ids, RunOptions.none().withHooks(Map.of(HOOK, (act, n) -> {
            float[] out = act.data().clone();
            for (int p = 0; p < ids.length; p++) for (int j = 0; j < 128; j++) out[p * 128 + j] -= enc.data()[p * 48 + fi] * dec[j];
            return Tensor.of(out, act.shape());
        }))).logits();
        JsonObject r = json("ablate", "--model", TestSaes.ATTN_ONLY_2L.toString(), "--sae", saeDir.toString(), "--feature", "resid0:" + feature + "=0",
                "--text", text.toString(), "--json");
        JsonArray rows = r.getAsJsonArray("positions");
        for (int p = 0; p + 1 < ids.length; p++) {
            assertEquals(LogitOps.logSoftmax(ablated, p)[ids[p + 1]], rows.get(p).getAsJsonObject().get("ablated_logprob").getAsDouble(), 1e-4, "at " + p);
        }
        JsonObject same = json("ablate", "--model", TestSaes.ATTN_ONLY_2L.toString(), "--sae", saeDir.toString(), "--feature", "resid0:" + feature + "=1",
                "--text", text.toString(), "--json");
        for (JsonElement e : same.getAsJsonArray("positions")) assertEquals(0, e.getAsJsonObject().get("change").getAsDouble(), 1e-9);
    }

    @Test
    void badSaesAndFeaturesAreOneLineErrors() {
        String m = TestSaes.ATTN_ONLY_2L.toString();
        AnalysisCliTest.Run r = run("ablate", "--model", m, "--sae", saeDir.toString(), "--feature", "resid0:48=0", "--text", text.toString());
        assertEquals(1, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("features 0..47"), r.err());
        r = run("ablate", "--model", m, "--sae", saeDir.toString(), "--feature", "other:1=0", "--text", text.toString());
        assertTrue(r.err().contains("no SAE named 'other'"), r.err());
        r = run("features", "--model", m, "--sae", mlpDir.toString(), "--text", text.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("blocks.1.mlp.hook_post"), r.err());
        r = run("features", "--model", m, "--text", text.toString());
        assertEquals(2, r.code(), "a usage error");
        assertTrue(r.err().contains("--sae"), r.err());
        r = run("ablate", "--model", m, "--text", text.toString());
        assertEquals(2, r.code(), "a usage error");
        assertTrue(r.err().contains("--heads") && r.err().contains("--feature"), r.err());
    }
}

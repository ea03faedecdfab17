package org.circuitscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --weights-dtype}: a BF16 checkpoint predicts the same with its weights kept 16-bit as loaded as float32. */
class WeightsDtypeCliTest {
    @TempDir Path tmp;

    @Test
    void keptAndFloat32LoadsPredictTheSameAndABadValueIsOneClearError() {
        Path dir = tmp.resolve("llama-bf16");
        CliTest.Run r = CliTest.run("random-model", "--out", dir.toString(), "--family", "llama", "--d-model", "32", "--n-heads", "4",
                "--d-head", "8", "--n-kv-heads", "2", "--d-mlp", "48", "--n-ctx", "32", "--dtype", "BF16", "--init-std", "0.3");
        assertEquals(0, r.code(), r.err());
        String[] predict = {"predict", "--model", dir.toString(), "--tokens", "5,80,12,200,7,7,31,90,4,66,3", "--json"};
        CliTest.Run kept = CliTest.run(concat(predict, "--weights-dtype", "keep"));
        CliTest.Run f32 = CliTest.run(concat(predict, "--weights-dtype", "f32"));
        CliTest.Run plain = CliTest.run(predict);
        assertEquals(0, kept.code(), kept.err());
        assertEquals(0, f32.code(), f32.err());
        same("keep vs f32", JsonParser.parseString(f32.out()), JsonParser.parseString(kept.out()));
        assertEquals(kept.out(), plain.out(), "keep is the default");

        CliTest.Run bad = CliTest.run(concat(predict, "--weights-dtype", "int8"));
        assertNotEquals(0, bad.code());
        assertTrue(bad.err().contains("'keep'") && bad.err().contains("int8"), bad.err());
    }

    /** Same structure and strings; numbers within float rounding (only the summation order differs). */
    private static void same(String path, JsonElement want, JsonElement got) {
        if (want.isJsonObject()) {
            assertTrue(got.isJsonObject(), path);
            assertEquals(want.getAsJsonObject().keySet(), got.getAsJsonObject().keySet(), path);
            for (Map.Entry<String, JsonElement> e : want.getAsJsonObject().entrySet()) same(path + "." + e.getKey(), e.getValue(), got.getAsJsonObject().get(e.getKey()));
        } else if (want.isJsonArray()) {
            assertEquals(want.getAsJsonArray().size(), got.getAsJsonArray().size(), path);
            for (int i = 0; i < want.getAsJsonArray().size(); i++) same(path + "[" + i + "]", want.getAsJsonArray().get(i), got.getAsJsonArray().get(i));
        } else if (want.isJsonPrimitive() && want.getAsJsonPrimitive().isNumber()) {
            double a = want.getAsDouble(), b = got.getAsDouble();
            assertEquals(a, b, 1e-4 * Math.max(1, Math.abs(a)), path);
        } else {
            assertEquals(want, got, path);
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

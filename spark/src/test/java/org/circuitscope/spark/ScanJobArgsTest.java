package org.circuitscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.scan.ScanSpec;
import org.junit.jupiter.api.Test;

class ScanJobArgsTest {
    private static ModelConfig gelu2l() throws Exception {
        try (var m = org.circuitscope.io.ModelDirectory.load(ScanComparison.GELU_2L)) {
            return m.config();
        }
    }

    @Test
    void optionsAsTheCommandLineScanTakesThem() {
        var a = ScanJobArgs.parse("--model", "m", "--out", "o", "--context", "64", "--stride", "32", "--top-k", "5",
                "--partitions", "7", "--parquet", "a.txt", "b.jsonl");
        assertEquals(new ScanJobArgs("m", Path.of("o"), 64, 32, 5, false, 7, true, List.of(Path.of("a.txt"), Path.of("b.jsonl"))), a);
    }

    @Test
    void defaultsComeFromTheModel() throws Exception {
        ModelConfig cfg = gelu2l();
        ScanSpec spec = ScanJobArgs.parse("--model", "m", "--out", "o", "in.txt").spec(cfg);
        assertEquals(ScanSpec.of(cfg.nCtx(), true), spec);
        assertEquals(false, ScanJobArgs.parse("--model", "m", "--out", "o", "--no-bos", "in.txt").spec(cfg).prependBos());
    }

    @Test
    void aContextLongerThanTheModelsIsOneClearError() throws Exception {
        var e = assertThrows(IllegalArgumentException.class,
                () -> ScanJobArgs.parse("--model", "m", "--out", "o", "--context", "9999", "in.txt").spec(gelu2l()));
        assertTrue(e.getMessage().contains("n_ctx 256"), e.getMessage());
    }

    @Test
    void badCommandLinesSayWhatIsWrong() {
        assertMessage("--model is required", "--out", "o", "in.txt");
        assertMessage("--out is required", "--model", "m", "in.txt");
        assertMessage("no corpus input", "--model", "m", "--out", "o");
        assertMessage("unknown option --threads", "--model", "m", "--out", "o", "--threads", "2", "in.txt");
        assertMessage("--context takes a whole number ≥ 1, got 'x'", "--model", "m", "--out", "o", "--context", "x", "in.txt");
        assertMessage("--top-k needs a value", "--model", "m", "--out", "o", "in.txt", "--top-k");
    }

    private static void assertMessage(String expected, String... args) {
        var e = assertThrows(IllegalArgumentException.class, () -> ScanJobArgs.parse(args));
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
}

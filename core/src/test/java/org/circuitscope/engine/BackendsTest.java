package org.circuitscope.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.circuitscope.model.ActFn;
import org.circuitscope.model.Backend;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.model.Transformer;
import org.circuitscope.model.Weights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backend selection in core alone (no djl module here): simd by name, djl absent with a message that says how to get it. */
class BackendsTest {
    private static final ModelConfig CFG = new ModelConfig("tiny", 1, 16, 2, 8, 32, 11, 8, ActFn.GELU_NEW, Normalization.LN, false, 1e-5, true);

    @Test
    void simdIsFoundByServiceLoaderAndRunsAsTheDefault() {
        Weights w = RandomWeights.generate(CFG, 1, 0.2);
        Backend b = new Backends(Optional.empty()).open(" SIMD ", w);
        assertEquals("simd", b.name());
        int[] ids = {1, 2, 3, 4};
        assertEquals(java.util.Arrays.toString(new Transformer(w).forward(ids).data()),
                java.util.Arrays.toString(new Transformer(w).on(b).forward(ids).data()));
    }

    @Test
    void djlWithoutItsFolderSaysHowToGetIt(@TempDir Path empty) throws Exception {
        Backends none = new Backends(Optional.of(empty));
        assertFalse(none.installed("djl"));
        assertTrue(none.installed("simd"));
        String msg = assertThrows(IllegalArgumentException.class, () -> none.open("djl", RandomWeights.generate(CFG, 1, 0.2))).getMessage();
        assertTrue(msg.contains("'djl' is not installed") && msg.contains(empty.toString()) && msg.contains("mvn -pl djl -am package")
                && msg.contains("CIRCUITSCOPE_DJL_HOME"), msg);
        Files.writeString(empty.resolve("not-a-jar.txt"), "x");
        assertFalse(none.installed("djl"), "a folder without the module's jar");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> none.open("cuda", null)).getMessage().contains("simd (the default) or djl"));
    }

    @Test
    void frontMatterNamesTheBackend() {
        assertEquals("djl", FrontMatter.parse("---\ncircuitscope:\n  backend: DJL\n---\nhi").backend());
        assertNull(FrontMatter.parse("---\ncircuitscope:\n  model: m\n---\nhi").backend());
        FrontMatter bad = FrontMatter.parse("---\ncircuitscope:\n  backend: cuda\n---\nhi");
        assertNull(bad.backend());
        assertTrue(bad.problems().get(0).message().contains("simd or djl"), bad.problems().toString());
    }
}

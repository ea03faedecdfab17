package org.circuitscope.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The default model packed into the server jar (resources under {@code /models/<name>/}),
 * extracted once into a cache folder so it can be memory-mapped like any model directory.
 * The folder name carries the jar's copy's size and checksum of the weights, so a newer jar
 * never reuses an older extraction.
 */
public final class EmbeddedModel {
    /** The model used when none is chosen. */
    public static final String DEFAULT = "attn-only-2l";
    private static final String[] FILES = {ModelDirectory.CONFIG, ModelDirectory.WEIGHTS, ModelDirectory.TOKENIZER};

    private EmbeddedModel() {}

    /** True when this class path carries the default model. */
    public static boolean available() {
        return EmbeddedModel.class.getResource("/models/" + DEFAULT + "/" + ModelDirectory.WEIGHTS) != null;
    }

    /** The directory of the extracted default model. */
    public static Path directory() throws IOException {
        if (!available()) throw new IOException("no model given and this build carries no embedded default model; pass --model DIR");
        if (WeightsChecksum.PROBLEM != null) throw new IOException(WeightsChecksum.PROBLEM);
        Path dir = cacheRoot().resolve(DEFAULT + "-" + WeightsChecksum.HEX);
        if (Files.isRegularFile(dir.resolve(ModelDirectory.TOKENIZER))) return dir;
        Files.createDirectories(dir.getParent());
        Path tmp = Files.createTempDirectory(dir.getParent(), DEFAULT + ".tmp");
        for (String f : FILES) {
            try (InputStream in = open(f)) { Files.copy(in, tmp.resolve(f)); }
        }
        try {
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException raced) {
            // Another process extracted it first: use theirs.
            if (!Files.isRegularFile(dir.resolve(ModelDirectory.TOKENIZER))) throw raced;
        }
        return dir;
    }

    /**
     * The checksum of the jar's weights, read once per JVM (a language server resolves its
     * default model on every analysis; inflating and summing 2.7 MB each time cost ~10 ms per
     * keystroke). A jar does not change under a running JVM.
     */
    private static final class WeightsChecksum {
        static final String HEX;
        static final String PROBLEM;

        static {
            String hex = null, problem = null;
            try (InputStream in = open(ModelDirectory.WEIGHTS)) {
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                crc.update(in.readAllBytes());
                hex = Long.toHexString(crc.getValue());
            } catch (IOException e) {
                problem = "cannot read the embedded default model: " + e.getMessage();
            }
            HEX = hex;
            PROBLEM = problem;
        }
    }

    private static InputStream open(String file) throws IOException {
        InputStream in = EmbeddedModel.class.getResourceAsStream("/models/" + DEFAULT + "/" + file);
        if (in == null) throw new IOException("embedded model file " + file + " is missing from the jar");
        return in;
    }

    /** $CIRCUITSCOPE_CACHE, else $XDG_CACHE_HOME/circuitscope, else ~/.cache/circuitscope. */
    static Path cacheRoot() {
        String env = System.getenv("CIRCUITSCOPE_CACHE");
        if (env != null && !env.isBlank()) return Path.of(env);
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("circuitscope").resolve("models");
    }
}

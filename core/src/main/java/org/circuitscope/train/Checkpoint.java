package org.circuitscope.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.circuitscope.io.SafeTensors;
import org.circuitscope.io.SafeTensorsWriter;
import org.circuitscope.tensor.Tensor;

/**
 * A resumable training state in one safetensors file: the parameters under their state-dict
 * names, AdamW's moments under {@code adam.m.*} / {@code adam.v.*}, and the step in the
 * metadata. Written to a temporary file and moved into place, so an interruption never leaves
 * a half-written checkpoint.
 */
public record Checkpoint(int step, Map<String, Tensor> params, Map<String, Tensor> optimizer) {
    public static final String FILE = "checkpoint.safetensors";

    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Tensor> all = new LinkedHashMap<>(params);
        all.putAll(optimizer);
        Path tmp = dir.resolve(FILE + ".tmp");
        SafeTensorsWriter.write(tmp, all, Map.of("step", Integer.toString(step)));
        Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The checkpoint in {@code dir}, or null when there is none. */
    public static Checkpoint load(Path dir) throws IOException {
        Path f = dir.resolve(FILE);
        if (!Files.isRegularFile(f)) return null;
        try (SafeTensors st = SafeTensors.open(f)) {
            Map<String, Tensor> params = new LinkedHashMap<>(), opt = new LinkedHashMap<>();
            for (String n : st.names()) (n.startsWith("adam.") ? opt : params).put(n, st.read(n));
            String step = st.metadata().get("step");
            if (step == null) throw new IOException(f + ": not a circuitscope checkpoint (no step in the metadata)");
            return new Checkpoint(Integer.parseInt(step), params, opt);
        }
    }
}

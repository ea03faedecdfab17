package org.circuitscope.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.circuitscope.tensor.Tensor;

/**
 * What a Hugging Face layout reads a checkpoint's tensors from, by their Hugging Face names:
 * one safetensors file today, a sharded checkpoint through the same three methods (they match
 * the sharded reader's, so it can implement this interface as it stands).
 */
public interface CheckpointTensors {
    /** The file to name in messages. */
    Path file();

    boolean contains(String name);

    /** The tensor decoded to float32 in its stored shape; only weight dtypes (F32, F16, BF16) are taken. */
    Tensor readWeight(String name) throws IOException;

    /** The transpose of the matrix {@link #readWeight} reads (a file's reader transposes straight out of its mapping). */
    default Tensor readWeightTransposed(String name) throws IOException { return HeadRows.transpose(readWeight(name)); }

    /** One safetensors file or a sharded checkpoint, every weight read as float32. */
    static CheckpointTensors of(TensorSource st) { return of(st, WeightsDtype.F32); }

    /** One safetensors file or a sharded checkpoint, 16-bit matrices kept 16-bit with {@link WeightsDtype#KEEP}. */
    static CheckpointTensors of(TensorSource st, WeightsDtype dtype) {
        return new CheckpointTensors() {
            @Override public Path file() { return st.file(); }
            @Override public boolean contains(String name) { return st.contains(name); }
            @Override public Tensor readWeight(String name) throws IOException { return st.readWeight(name, dtype); }
            @Override public Tensor readWeightTransposed(String name) throws IOException { return st.readWeightTransposed(name, dtype); }
        };
    }

    /** Tensors already in memory (a layout's own output, read back to see what it keeps), named {@code source} in messages. */
    static CheckpointTensors of(Map<String, Tensor> tensors, String source) {
        return new CheckpointTensors() {
            @Override public Path file() { return Path.of(source); }
            @Override public boolean contains(String name) { return tensors.containsKey(name); }
            @Override public Tensor readWeight(String name) throws IOException {
                Tensor t = tensors.get(name);
                if (t == null) throw new IOException(source + ": no tensor '" + name + "'");
                return t;
            }
        };
    }
}

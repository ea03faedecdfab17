package org.circuitscope.io;

import java.nio.file.Path;
import java.util.List;
import org.circuitscope.tensor.Tensor;

/**
 * What a weight loader reads tensors from: one safetensors file ({@link SafeTensors}) or a
 * sharded checkpoint ({@link SafeTensorsSet}), so a layout adapter works over either form.
 */
public interface TensorSource extends AutoCloseable {
    /** The file to name in a loader's messages: the safetensors file, or a sharded checkpoint's index. */
    Path file();

    /** Every tensor name offered. */
    List<String> names();

    boolean contains(String name);

    /** @throws IllegalArgumentException naming the file and tensor if there is no such tensor */
    TensorInfo info(String name);

    /**
     * The tensor decoded to float32 (F32, F16 and BF16 exactly), in its stored shape.
     *
     * @throws SafeTensorsException naming the file, the tensor and its dtype for any other dtype
     */
    Tensor readWeight(String name) throws SafeTensorsException;

    /**
     * As {@link #readWeight(String)}, but with {@link WeightsDtype#KEEP} an F16 or BF16 tensor of
     * rank ≥ 2 comes back in its 16 bits ({@link Tensor#ofBits}), copied from the mapping.
     */
    Tensor readWeight(String name, WeightsDtype dtype) throws SafeTensorsException;

    /**
     * The transpose of a matrix read as {@link #readWeight(String, WeightsDtype)} reads it: a
     * Hugging Face {@code [out, in]} weight as the {@code [in, out]} that TransformerLens
     * right-multiplies by. A file's reader may transpose straight out of its mapping.
     */
    default Tensor readWeightTransposed(String name, WeightsDtype dtype) throws SafeTensorsException {
        return HeadRows.transpose(readWeight(name, dtype));
    }

    /** Unmaps the file(s); tensors read before stay valid (they are copies). Idempotent. */
    @Override
    void close();
}

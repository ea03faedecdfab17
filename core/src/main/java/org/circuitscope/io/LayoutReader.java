package org.circuitscope.io;

import java.io.IOException;
import java.util.Arrays;
import org.circuitscope.tensor.Tensor;

/**
 * Reads a checkpoint's tensors by Hugging Face name for one layout, checking each against the
 * shape config.json implies, so a wrong or truncated checkpoint fails naming the tensor.
 *
 * @param layout the family's name for messages ("GPT-2", "GPT-NeoX", "llama", ...)
 */
record LayoutReader(CheckpointTensors tensors, String layout) {

    boolean has(String name) { return tensors.contains(name); }

    Tensor require(String name, int... shape) throws IOException {
        if (!tensors.contains(name)) {
            throw new SafeTensorsException(tensors.file(), name, tensors.file() + ": tensor '" + name + "' is missing (" + layout + " layout)");
        }
        Tensor t = tensors.readWeight(name);
        if (!Arrays.equals(t.shape(), shape)) {
            throw new SafeTensorsException(tensors.file(), name, tensors.file() + ": tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                    + " but config.json implies " + Arrays.toString(shape));
        }
        return t;
    }

    /** The transpose of the matrix {@code name}, whose stored shape must be {@code [rows, cols]}. */
    Tensor requireTransposed(String name, int rows, int cols) throws IOException {
        if (!tensors.contains(name)) {
            throw new SafeTensorsException(tensors.file(), name, tensors.file() + ": tensor '" + name + "' is missing (" + layout + " layout)");
        }
        Tensor t = tensors.readWeightTransposed(name);
        if (t.rank() != 2 || t.dim(0) != cols || t.dim(1) != rows) {
            int[] stored = t.rank() == 2 ? new int[] {t.dim(1), t.dim(0)} : t.shape();
            throw new SafeTensorsException(tensors.file(), name, tensors.file() + ": tensor '" + name + "' has shape " + Arrays.toString(stored)
                    + " but config.json implies " + Arrays.toString(new int[] {rows, cols}));
        }
        return t;
    }
}

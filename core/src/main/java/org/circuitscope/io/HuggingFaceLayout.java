package org.circuitscope.io;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Tensor;

/**
 * One Hugging Face model family's checkpoint: its config.json ↔ a {@link HuggingFaceConfig},
 * its tensor names and layouts ↔ TransformerLens's. The checks that a model fits a family and
 * the dispatch on {@code model_type} live in {@link HuggingFaceCheckpoint} and
 * {@link HuggingFaceLayouts}; an implementation only translates.
 */
interface HuggingFaceLayout {
    /** The model_type values this layout reads. */
    java.util.List<String> modelTypes();

    /**
     * The config of {@code file}, whose model_type is {@code modelType}: missing fields as an
     * {@link IOException} naming the file, other faults as {@link IllegalArgumentException}.
     */
    HuggingFaceConfig config(String modelType, HuggingFaceFields f, String name, Path file) throws IOException;

    /** The config.json fields of {@code c} (without torch_dtype), which {@link #config} reads back. */
    JsonObject json(HuggingFaceConfig c);

    /** TransformerLens tensors from the checkpoint; biases the family does not store are left out (they are zero). */
    Map<String, Tensor> toTransformerLens(HuggingFaceConfig c, CheckpointTensors t) throws IOException;

    /** The checkpoint's tensors under Hugging Face names; what the family cannot store is dropped (checked by the caller). */
    Map<String, Tensor> toHuggingFace(HuggingFaceConfig c, Weights w);
}

package org.circuitscope.io;

import java.nio.file.Path;
import java.util.Optional;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Transformer;
import org.circuitscope.tokenizer.Tokenizer;

/**
 * A model as loaded from a directory: the transformer, and its tokenizer when the directory
 * has one. Closing releases the tokenizer's native handle.
 *
 * @param layout "transformerlens", or "huggingface-" and the model_type ("huggingface-gpt2", "huggingface-llama", ...)
 */
public record LoadedModel(Path dir, String layout, Transformer transformer, Tokenizer tokenizerOrNull) implements AutoCloseable {

    public ModelConfig config() { return transformer.config(); }

    public String name() { return config().modelName(); }

    public Optional<Tokenizer> tokenizer() { return Optional.ofNullable(tokenizerOrNull); }

    @Override
    public void close() {
        if (tokenizerOrNull != null) tokenizerOrNull.close();
    }
}

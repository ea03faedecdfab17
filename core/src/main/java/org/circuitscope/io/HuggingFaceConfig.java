package org.circuitscope.io;

import org.circuitscope.model.ModelConfig;

/**
 * What circuitscope takes from a Hugging Face {@code config.json}: the TransformerLens config
 * it converts to, and the facts about the checkpoint's tensors that a TransformerLens config
 * does not carry.
 *
 * @param modelType      Hugging Face's {@code model_type}, which picks the layout ({@link HuggingFaceLayouts#modelTypes})
 * @param tiedEmbeddings {@code tie_word_embeddings}: the unembedding is the embedding's transpose and need not be stored
 * @param attentionBias  whether the attention projections carry biases (GPT-2, GPT-NeoX: yes; Llama: its
 *                       {@code attention_bias}, on q, k, v and o; Qwen2: q, k and v always; Mistral: never)
 * @param bosTokenId     {@code bos_token_id}, or -1 when the config names none
 */
public record HuggingFaceConfig(String modelType, ModelConfig config, boolean tiedEmbeddings, boolean attentionBias, int bosTokenId) {
    public HuggingFaceConfig {
        if (modelType == null || config == null) throw new IllegalArgumentException("a Hugging Face config needs a model_type and a config");
        if (bosTokenId < -1 || bosTokenId >= config.dVocab()) {
            throw new IllegalArgumentException("bos_token_id " + bosTokenId + " is not a token of the vocabulary (0 … " + (config.dVocab() - 1) + ")");
        }
    }

    /** The name {@link LoadedModel#layout()} reports: {@code huggingface-<model_type>}. */
    public String layoutName() { return "huggingface-" + modelType; }

    public HuggingFaceConfig withConfig(ModelConfig c) { return new HuggingFaceConfig(modelType, c, tiedEmbeddings, attentionBias, bosTokenId); }
}

/**
 * Text to tokens and back, with each token's UTF-16 range in the text so analyses can point at
 * the characters a token came from: {@link org.circuitscope.tokenizer.Tokenizer} over a Hugging
 * Face {@code tokenizer.json} (DJL's native binding, offline; the native library is unpacked
 * into {@code DJL_CACHE_DIR}, default {@code ~/.djl.ai}) for byte-level BPE (GPT-2, Pythia,
 * Llama 3, Qwen2) and SentencePiece-style BPE with byte fallback (Llama 2, TinyLlama, Mistral),
 * with the BOS token named by the caller ({@link org.circuitscope.tokenizer.BosToken},
 * {@link org.circuitscope.tokenizer.TokenizerConfigJson}); and writers and trainers of small
 * tokenizers for the shipped and test models: {@link org.circuitscope.tokenizer.TokenizerJsonWriter}
 * with {@link org.circuitscope.tokenizer.BpeTrainer} (GPT-2 style) and
 * {@link org.circuitscope.tokenizer.LlamaTokenizerJsonWriter} with
 * {@link org.circuitscope.tokenizer.SentencePieceBpeTrainer} (Llama style).
 */
package org.circuitscope.tokenizer;

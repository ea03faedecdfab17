/**
 * Text to tokens and back, with each token's UTF-16 range in the text so analyses can point at
 * the characters a token came from: {@link org.circuitscope.tokenizer.Tokenizer} over a Hugging
 * Face {@code tokenizer.json} (DJL's native binding, offline; the native library is unpacked
 * into {@code DJL_CACHE_DIR}, default {@code ~/.djl.ai}), and
 * {@link org.circuitscope.tokenizer.TokenizerJsonWriter}, which writes GPT-2 style byte-level BPE
 * tokenizers for the shipped models and the BPE trainer.
 */
package org.circuitscope.tokenizer;

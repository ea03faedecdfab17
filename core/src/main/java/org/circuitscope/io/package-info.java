/**
 * Model file formats: safetensors read (memory-mapped, validated) and write, one file or
 * sharded with an index, config.json, the TransformerLens and Hugging Face GPT-2 layouts,
 * models in the local Hugging Face cache, and weight processing.
 */
package org.circuitscope.io;

/**
 * Model file formats: safetensors read (memory-mapped, validated) and write, one file or
 * sharded with an index, config.json, the TransformerLens layout and the Hugging Face families'
 * layouts (GPT-2, GPT-NeoX, Llama-style), models in the local Hugging Face cache, and weight
 * processing.
 */
package org.circuitscope.io;

/**
 * Model file formats: safetensors read (memory-mapped, validated) and write, config.json, the
 * TransformerLens layout and the Hugging Face families' layouts (GPT-2, GPT-NeoX, Llama-style), and weight processing.
 */
package org.circuitscope.io;

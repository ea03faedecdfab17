/**
 * Model file formats: safetensors read (memory-mapped, validated) and write, config.json, the
 * TransformerLens and Hugging Face GPT-2 layouts, and weight processing.
 */
package org.circuitscope.io;

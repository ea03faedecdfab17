/**
 * Tensors (shape + float32 storage, or BF16/F16 for kept 16-bit weights) and the numeric
 * kernels: matrix products (and {@link org.circuitscope.tensor.WeightGemm} for 16-bit weights), softmax,
 * LayerNorm and activations, each with a Vector API path and a plain scalar path that tests
 * compare, and the dedicated worker pool they run on.
 */
package org.circuitscope.tensor;

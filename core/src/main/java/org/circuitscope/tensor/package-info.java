/**
 * Tensors (shape + float32 storage) and the numeric kernels: matrix products, softmax,
 * LayerNorm and activations, each with a Vector API path and a plain scalar path that tests
 * compare, and the dedicated worker pool they run on.
 */
package org.circuitscope.tensor;

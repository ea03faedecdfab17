package org.circuitscope.model;

import org.circuitscope.tensor.Tensor;

/**
 * A LayerNorm's affine weight and bias, {@code [d_model]} each: {@code ln1}, {@code ln2} of a
 * block or {@code ln_final}. Only models with normalization_type LN have them.
 */
public record NormWeights(Tensor w, Tensor b) {}

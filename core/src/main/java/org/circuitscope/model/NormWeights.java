package org.circuitscope.model;

import org.circuitscope.tensor.Tensor;

/**
 * A normalisation's own weight and bias, {@code [d_model]} each: {@code ln1}, {@code ln2} of a
 * block or {@code ln_final}. Models with normalization_type LN have both, RMS only the weight
 * ({@code b} is null), the folded forms neither.
 */
public record NormWeights(Tensor w, Tensor b) {}

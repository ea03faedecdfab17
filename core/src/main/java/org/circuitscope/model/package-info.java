/**
 * The transformer: configuration in TransformerLens's fields, validated weights under
 * TransformerLens's state-dict names ({@link org.circuitscope.model.WeightNames}) with typed
 * views per layer ({@link org.circuitscope.model.LayerWeights}), the hooked forward pass and its
 * activation cache.
 */
package org.circuitscope.model;

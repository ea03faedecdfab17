/**
 * Training sparse autoencoders on a model's activations, streamed from the forward pass:
 * the objective and its hand-written gradients ({@link org.circuitscope.sae.train.SaeObjective}),
 * the loop with AdamW, unit-norm decoder rows, dead-feature resampling and checkpoints
 * ({@link org.circuitscope.sae.train.SaeTrainer}), and the usual evaluation (L0, fraction of
 * variance explained, cross-entropy loss recovered, dead features) with its card.
 */
package org.circuitscope.sae.train;

/**
 * Training: the backward pass, the optimiser and the trainer.
 *
 * <p>{@link org.circuitscope.train.Backward} turns the activations of a forward pass and
 * dLoss/dLogits into gradients for every parameter (under the state-dict names of
 * {@link org.circuitscope.model.Weights}) and for the residual stream's inputs (the token and
 * positional embeddings, for saliency and integrated gradients);
 * {@link org.circuitscope.train.CrossEntropy} gives the next-token loss and its dLoss/dLogits;
 * {@link org.circuitscope.train.GradientBuffer} sums gradients over a batch.
 */
package org.circuitscope.train;

/**
 * The backward pass: gradients of the forward pass for training and for gradient attributions.
 *
 * <p>{@link org.circuitscope.grad.Backward} turns the activations of a forward pass and
 * dLoss/dLogits into gradients for every parameter (under the state-dict names of
 * {@link org.circuitscope.model.Weights}) and for the residual stream's inputs (the token and
 * positional embeddings, for saliency and integrated gradients);
 * {@link org.circuitscope.grad.CrossEntropy} gives the next-token loss and its dLoss/dLogits;
 * {@link org.circuitscope.grad.GradientBuffer} sums gradients over a batch. Its own package so
 * that both {@code circuits} (attributions) and {@code train} (the trainer, which also runs
 * circuits' head detectors) depend on it without depending on each other in a cycle.
 */
package org.circuitscope.grad;

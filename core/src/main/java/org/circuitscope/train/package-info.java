/**
 * Training: the optimiser ({@link org.circuitscope.train.AdamW}), batches, checkpoints and the
 * trainer, which runs the forward pass, the backward pass of {@link org.circuitscope.grad} and
 * the head detectors of {@link org.circuitscope.circuits} to report progress.
 */
package org.circuitscope.train;

/**
 * Sparse autoencoders (SAEs) as a model part: SAELens's saved layout ({@code cfg.json} +
 * {@code sae_weights.safetensors}, followed at SAELens tag {@code v6.18.0}: the SAELens 6
 * config with {@code architecture} and {@code metadata.hook_name}, and the older flat config
 * that {@code handle_pre_6_0_config} upgrades), ReLU ("standard"), TopK and JumpReLU
 * encoders on the SIMD kernels, several SAEs at once ({@link org.circuitscope.sae.SaeSet}),
 * features named {@code <sae>:<index>} and feature interventions as forward-pass hooks.
 * Training lives in {@link org.circuitscope.sae.train}.
 */
package org.circuitscope.sae;

package org.circuitscope.grad;

import java.util.Map;
import org.circuitscope.tensor.Tensor;

/**
 * The result of a backward pass.
 *
 * @param params    dLoss/dθ by state-dict name ({@code embed.W_E}, {@code blocks.0.attn.W_Q}, ...),
 *                  shaped as the weights; empty when only input gradients were asked for
 * @param dEmbed    dLoss/d{@code hook_embed} {@code [pos, d_model]}: the gradient with respect to
 *                  each position's token embedding row
 * @param dPosEmbed dLoss/d{@code hook_pos_embed} {@code [pos, d_model]}; equal in value to
 *                  {@code dEmbed} (both are added straight into the residual stream) but a separate
 *                  tensor, so either may be modified on its own; null for rotary models, which
 *                  have no hook_pos_embed (their positions turn queries and keys instead)
 */
public record Gradients(Map<String, Tensor> params, Tensor dEmbed, Tensor dPosEmbed) {}

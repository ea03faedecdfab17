package org.circuitscope.model;

import org.circuitscope.tensor.Tensor;

/**
 * Reads or replaces an activation as the forward pass goes by (TransformerLens's forward
 * hooks). The tensor returned is what flows on; return the argument (possibly edited in
 * place) to keep it. Interventions (ablation, patching) are hooks.
 */
@FunctionalInterface
public interface Hook {
    Tensor apply(Tensor activation, String hookName);
}

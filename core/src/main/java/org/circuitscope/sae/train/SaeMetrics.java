package org.circuitscope.sae.train;

/**
 * An SAE's figures on a text (the BOS position of each window left out of every figure).
 *
 * @param tokens              activations evaluated
 * @param l0                  mean number of active features per token
 * @param varianceExplained   1 − Σ‖x − x̂‖² / Σ‖x − x̄‖²
 * @param ceClean             the model's next-token loss (nats/token), unchanged
 * @param ceSpliced           with x̂ in place of x at the hook
 * @param ceZeroAblated       with 0 in place of x at the hook
 * @param ceLossRecovered     (zero − spliced) / (zero − clean)
 * @param deadFeatures        features active on none of the tokens
 */
public record SaeMetrics(String text, int tokens, double l0, double varianceExplained, double mse, double ceClean,
                         double ceSpliced, double ceZeroAblated, double ceLossRecovered, int deadFeatures, int dSae) {
    public double deadFraction() { return deadFeatures / (double) dSae; }
}

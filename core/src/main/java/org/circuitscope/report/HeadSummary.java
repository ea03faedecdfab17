package org.circuitscope.report;

import java.util.List;

/**
 * What the head analyses say of one head, under one set of names for the command line's
 * {@code heads} and the server's {@code detectHeads} and {@code inspectHead}. Detector scores
 * (HeadDetectors) are means of attention mass; the copying scores Σλ/Σ|λ| over the eigenvalues of
 * the full OV and QK circuits (CopyingScore).
 *
 * @param previous_token            attention on the previous token, on the prompt or text (null when there is none)
 * @param duplicate_token           attention on earlier copies of the current token, likewise
 * @param induction                 attention on the induction diagonal, likewise
 * @param induction_repeated_random the same on BOS + random tokens repeated twice
 * @param ov_copying_score          of W_E·W_V·W_O·W_U: +1 copies, −1 suppresses
 * @param qk_copying_score          of W_E·W_Q·W_Kᵀ·W_Eᵀ: positive when tokens attend to copies of themselves
 * @param skip_trigrams             the largest, where asked for (else absent)
 * @param ov_eigenvalues            the full OV circuit's nonzero eigenvalues as [re, im] (from the d_head core; the paper's complex-plane plot)
 * @param qk_eigenvalues            the full QK circuit's, likewise
 */
public record HeadSummary(int layer, int head, String label, Double previous_token, Double duplicate_token, Double induction,
                          double induction_repeated_random, double ov_copying_score, double qk_copying_score,
                          List<SkipTrigram> skip_trigrams, double[][] ov_eigenvalues, double[][] qk_eigenvalues) {}

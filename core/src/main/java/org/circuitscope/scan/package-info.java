/**
 * Corpus scans: per-head statistics (previous-token, duplicate-token and induction scores,
 * attention entropy, direct logit attribution to the next token), per-document loss and
 * surprisal, and the top-K contexts per head and per MLP neuron, over a whole corpus. One
 * document at a time ({@link org.circuitscope.scan.DocumentScanner}) into a mergeable partial
 * ({@link org.circuitscope.scan.ScanPartial}) — the contract that the single-machine runner
 * ({@link org.circuitscope.scan.ScanRunner}) and the Spark job share, so both give the same
 * result — written and read back by {@link org.circuitscope.scan.ScanOutput}. No Spark or
 * Hadoop here.
 */
package org.circuitscope.scan;

package org.circuitscope.report;

/** A predicted token (not a prompt position) with its logit, log-probability and probability. */
public record Prediction(int id, String text, double logit, double logprob, double prob) {}

package org.circuitscope.report;

/** A token of the prompt and what one analysis gives it (its part of a logit, a gradient attribution). */
public record TokenValue(TokenRef token, double value) {}

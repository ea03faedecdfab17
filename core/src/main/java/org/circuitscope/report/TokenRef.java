package org.circuitscope.report;

/**
 * A token as every report names it: its model position in the prompt (0 is BOS when one was
 * prepended), its id and its text. {@code position} is null for a token that is not in the
 * prompt (a chosen target, a prediction). The language server adds each token's document
 * {@code range} when it serialises a report.
 */
public record TokenRef(Integer position, int id, String text) {}

/**
 * One result record per analysis, built from a {@link org.circuitscope.report.Prompt} and an
 * activation cache by the circuits library, and serialised by {@link org.circuitscope.report.ReportJson}
 * the same way for the command line and the language server. Every token is a
 * {@link org.circuitscope.report.TokenRef}; "position" is always a model position, and at the top
 * of a report it is the logits row explained: the position of {@code token}, whose prediction of
 * {@code target} (the token at position + 1, or the one asked for) the report breaks down.
 */
package org.circuitscope.report;

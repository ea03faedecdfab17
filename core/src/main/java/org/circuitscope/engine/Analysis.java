package org.circuitscope.engine;

/**
 * The outcome of analysing one document version: a run, or the reason there is none.
 *
 * @param run     null when no model could be used ({@code problem} says why) or the body is empty
 * @param problem null when the model loaded
 */
public record Analysis(PromptDocument doc, FrontMatter frontMatter, PromptRun run, ModelCache.ModelProblem problem) {}

package org.circuitscope.engine;

/**
 * The outcome of analysing one document version: a run, or the reason there is none.
 *
 * @param run      null when no model could be used ({@code problem} says why), the document is
 *                 too large ({@code tooLarge}) or the body is empty
 * @param problem  null when the model loaded on the backend asked for; with a run, that backend
 *                 ({@link ModelCache.ModelProblem.Kind#BACKEND}) could not start and the run is on simd
 * @param tooLarge whether the document is over {@link DocumentSize#MAX_BYTES} and was not analysed
 * @param saes     the sparse autoencoders the document uses ({@link DocumentSaes#NONE} without a model)
 */
public record Analysis(PromptDocument doc, FrontMatter frontMatter, PromptRun run, ModelCache.ModelProblem problem, boolean tooLarge,
                       DocumentSaes saes) {

    public Analysis {
        if (saes == null) saes = DocumentSaes.NONE;
    }

    public Analysis(PromptDocument doc, FrontMatter frontMatter, PromptRun run, ModelCache.ModelProblem problem, boolean tooLarge) {
        this(doc, frontMatter, run, problem, tooLarge, DocumentSaes.NONE);
    }

    public Analysis(PromptDocument doc, FrontMatter frontMatter, PromptRun run, ModelCache.ModelProblem problem) {
        this(doc, frontMatter, run, problem, false);
    }
}

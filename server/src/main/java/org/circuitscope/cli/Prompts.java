package org.circuitscope.cli;

import org.circuitscope.io.LoadedModel;
import org.circuitscope.report.Prompt;

/** The command line's side of {@link Prompt}: a loaded model and the ids of the prompt, token texts as the server shows them. */
final class Prompts {
    private Prompts() {}

    static Prompt of(LoadedModel m, int[] ids) {
        return new Prompt(m.name(), m.transformer(), ids, id -> m.tokenizer().map(t -> t.label(id)).orElse("<id " + id + ">"));
    }
}

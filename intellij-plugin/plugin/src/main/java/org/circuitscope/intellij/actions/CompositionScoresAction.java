package org.circuitscope.intellij.actions;

import org.circuitscope.intellij.commands.CommandArguments;
import org.circuitscope.intellij.commands.PaletteCommand;

/** {@link PaletteCommand#COMPOSITION_SCORES}: the page of the whole prompt. */
public final class CompositionScoresAction extends PromptAction {
    public CompositionScoresAction() {
        super(PaletteCommand.COMPOSITION_SCORES);
    }

    @Override
    void run(PromptContext p) {
        show(p, CommandArguments.document(p.uri()));
    }
}

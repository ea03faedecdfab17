package org.circuitscope.intellij.actions;

import org.circuitscope.intellij.commands.CommandArguments;
import org.circuitscope.intellij.commands.PaletteCommand;

/** {@link PaletteCommand#DETECT_HEADS}: the page of the whole prompt. */
public final class DetectHeadsAction extends PromptAction {
    public DetectHeadsAction() {
        super(PaletteCommand.DETECT_HEADS);
    }

    @Override
    void run(PromptContext p) {
        show(p, CommandArguments.document(p.uri()));
    }
}

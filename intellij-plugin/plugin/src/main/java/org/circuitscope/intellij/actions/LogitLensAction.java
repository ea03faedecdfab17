package org.circuitscope.intellij.actions;

import org.circuitscope.intellij.commands.PaletteCommand;

/** {@link PaletteCommand#LOGIT_LENS} on the token at the caret. */
public final class LogitLensAction extends CursorAction {
    public LogitLensAction() {
        super(PaletteCommand.LOGIT_LENS);
    }
}

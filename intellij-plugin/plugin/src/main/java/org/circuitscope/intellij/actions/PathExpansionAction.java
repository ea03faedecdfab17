package org.circuitscope.intellij.actions;

import org.circuitscope.intellij.commands.PaletteCommand;

/** {@link PaletteCommand#PATH_EXPANSION} on the token at the caret. */
public final class PathExpansionAction extends CursorAction {
    public PathExpansionAction() {
        super(PaletteCommand.PATH_EXPANSION);
    }
}

package org.circuitscope.intellij.actions;

import org.circuitscope.intellij.commands.PaletteCommand;

/** {@link PaletteCommand#ATTRIBUTE} on the token at the caret. */
public final class AttributeAction extends CursorAction {
    public AttributeAction() {
        super(PaletteCommand.ATTRIBUTE);
    }
}

package org.circuitscope.intellij.actions;

import org.circuitscope.intellij.commands.CommandArguments;
import org.circuitscope.intellij.commands.PaletteCommand;
import org.eclipse.lsp4j.Position;

/** A command on the token at the caret, predicting the next token. */
abstract class CursorAction extends PromptAction {
    CursorAction(PaletteCommand command) {
        super(command);
    }

    @Override
    void run(PromptContext p) {
        Position at = p.caret();
        show(p, CommandArguments.atPosition(command(), p.uri(), at.getLine(), at.getCharacter()));
    }
}

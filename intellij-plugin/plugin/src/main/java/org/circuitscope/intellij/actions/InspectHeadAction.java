package org.circuitscope.intellij.actions;

import org.circuitscope.intellij.commands.CommandArguments;
import org.circuitscope.intellij.commands.PaletteCommand;

/** Inspect Head…: a layer, a head, then the head's QK/OV page. */
public final class InspectHeadAction extends PromptAction {
    public InspectHeadAction() {
        super(PaletteCommand.INSPECT_HEAD);
    }

    @Override
    void run(PromptContext p) {
        HeadPicker.pickHead(p, false, c -> show(p, CommandArguments.head(p.uri(), c.head())));
    }
}

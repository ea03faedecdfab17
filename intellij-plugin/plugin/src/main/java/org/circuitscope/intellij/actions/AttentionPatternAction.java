package org.circuitscope.intellij.actions;

import org.circuitscope.intellij.commands.CommandArguments;
import org.circuitscope.intellij.commands.PaletteCommand;

/** Show Attention Pattern: a layer, then one head or all of them side by side. */
public final class AttentionPatternAction extends PromptAction {
    public AttentionPatternAction() {
        super(PaletteCommand.ATTENTION_PATTERN);
    }

    @Override
    void run(PromptContext p) {
        HeadPicker.pickHead(p, true, c -> show(p, c.head() == null ? CommandArguments.layer(p.uri(), c.layer()) : CommandArguments.head(p.uri(), c.head())));
    }
}

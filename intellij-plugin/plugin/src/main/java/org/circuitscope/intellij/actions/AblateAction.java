package org.circuitscope.intellij.actions;

import com.intellij.openapi.ui.popup.JBPopupFactory;
import java.util.List;
import org.circuitscope.intellij.commands.CommandArguments;
import org.circuitscope.intellij.commands.PaletteCommand;

/** Ablate Heads…: heads, then zero or mean ablation, then what changed. */
public final class AblateAction extends PromptAction {
    /** The ablation modes as the picker lists them. */
    private enum Mode {
        ZERO("Zero ablation: the heads' outputs set to 0", false), MEAN("Mean ablation: replaced by their mean over this prompt", true);

        private final String title;
        private final boolean mean;

        Mode(String title, boolean mean) {
            this.title = title;
            this.mean = mean;
        }

        @Override
        public String toString() { return title; }
    }

    public AblateAction() {
        super(PaletteCommand.ABLATE);
    }

    @Override
    void run(PromptContext p) {
        HeadPicker.pickHeads(p, heads -> {
            if (heads.isEmpty()) return;
            JBPopupFactory.getInstance().createPopupChooserBuilder(List.of(Mode.values())).setTitle("Circuitscope: ablation")
                    .setItemChosenCallback(m -> show(p, CommandArguments.ablate(p.uri(), heads, m.mean))).createPopup().showInBestPositionFor(p.editor());
        });
    }
}

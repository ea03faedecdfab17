package org.circuitscope.intellij.actions;

import com.intellij.openapi.actionSystem.ActionUpdateThread;
import com.intellij.openapi.actionSystem.AnAction;
import com.intellij.openapi.actionSystem.AnActionEvent;
import org.circuitscope.intellij.lsp.ServerCommands;

/** Restart Language Server: applies changed settings (a new Java home, model, budget). */
public final class RestartServerAction extends AnAction {
    @Override
    public void update(AnActionEvent e) {
        e.getPresentation().setEnabledAndVisible(e.getProject() != null);
    }

    @Override
    public ActionUpdateThread getActionUpdateThread() { return ActionUpdateThread.BGT; }

    @Override
    public void actionPerformed(AnActionEvent e) {
        if (e.getProject() != null) ServerCommands.restart(e.getProject());
    }
}

package org.circuitscope.intellij.actions;

import com.google.gson.JsonObject;
import com.intellij.openapi.actionSystem.ActionUpdateThread;
import com.intellij.openapi.actionSystem.AnAction;
import com.intellij.openapi.actionSystem.AnActionEvent;
import com.intellij.openapi.actionSystem.CommonDataKeys;
import com.intellij.openapi.application.ApplicationManager;
import com.intellij.openapi.editor.Editor;
import com.intellij.openapi.project.Project;
import com.intellij.openapi.ui.Messages;
import com.intellij.openapi.vfs.VirtualFile;
import org.circuitscope.intellij.commands.CommandArguments;
import org.circuitscope.intellij.commands.PaletteCommand;
import org.circuitscope.intellij.lang.PromptFileType;
import org.circuitscope.intellij.lsp.ServerCommands;

/** A palette action on the prompt in the editor: enabled only there; failures are shown with the server's message. */
abstract class PromptAction extends AnAction {
    private final PaletteCommand command;

    PromptAction(PaletteCommand command) {
        this.command = command;
    }

    PaletteCommand command() { return command; }

    /** Runs on the EDT with the prompt at hand. */
    abstract void run(PromptContext prompt);

    @Override
    public void update(AnActionEvent e) {
        e.getPresentation().setEnabledAndVisible(prompt(e) != null);
    }

    @Override
    public ActionUpdateThread getActionUpdateThread() { return ActionUpdateThread.BGT; }

    @Override
    public void actionPerformed(AnActionEvent e) {
        PromptContext p = prompt(e);
        if (p != null) run(p);
    }

    private static PromptContext prompt(AnActionEvent e) {
        Project project = e.getProject();
        Editor editor = e.getData(CommonDataKeys.EDITOR);
        VirtualFile file = e.getData(CommonDataKeys.VIRTUAL_FILE);
        if (project == null || editor == null || file == null || !PromptFileType.EXTENSION.equals(file.getExtension())) return null;
        return new PromptContext(project, editor, file);
    }

    /** Asks the server to show this command's page with {@code args}; the server opens it (window/showDocument). */
    void show(PromptContext p, JsonObject args) {
        ServerCommands.execute(p.project(), CommandArguments.SHOW, CommandArguments.show(command.serverCommand(), args))
                .whenComplete((answer, error) -> {
                    if (error != null) fail(p.project(), error);
                });
    }

    static void fail(Project project, Throwable error) {
        Throwable cause = error.getCause() != null && error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
        ApplicationManager.getApplication().invokeLater(() -> Messages.showErrorDialog(project, String.valueOf(cause.getMessage()), "Circuitscope"));
    }
}

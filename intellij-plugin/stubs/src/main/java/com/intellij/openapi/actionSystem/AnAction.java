package com.intellij.openapi.actionSystem;

/**
 * Compile-only stub of {@code com.intellij.openapi.actionSystem.AnAction} as in IntelliJ Platform 2024.2 (build 242; unchanged through 2025.2): the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 */
public abstract class AnAction {
    public abstract void actionPerformed(AnActionEvent e);

    public void update(AnActionEvent e) {}

    public ActionUpdateThread getActionUpdateThread() { throw new UnsupportedOperationException("stub"); }
}

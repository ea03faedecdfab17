package com.intellij.openapi.actionSystem;

import com.intellij.openapi.project.Project;

/**
 * Compile-only stub of {@code com.intellij.openapi.actionSystem.AnActionEvent} as in IntelliJ Platform 2024.2 (build 242; unchanged through 2025.2): the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 */
public class AnActionEvent {
    public Project getProject() { throw new UnsupportedOperationException("stub"); }

    public <T> T getData(DataKey<T> key) { throw new UnsupportedOperationException("stub"); }

    public Presentation getPresentation() { throw new UnsupportedOperationException("stub"); }
}

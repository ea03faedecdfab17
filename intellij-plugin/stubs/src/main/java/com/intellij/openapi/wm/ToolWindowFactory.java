package com.intellij.openapi.wm;

import com.intellij.openapi.project.Project;

/**
 * Compile-only stub of {@code com.intellij.openapi.wm.ToolWindowFactory} as in IntelliJ Platform 2024.2 (build 242; unchanged through 2025.2): the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 */
public interface ToolWindowFactory {
    void createToolWindowContent(Project project, ToolWindow toolWindow);
}

package com.intellij.openapi.wm;

import com.intellij.openapi.project.Project;

/**
 * Compile-only stub of {@code com.intellij.openapi.wm.ToolWindowManager} as in IntelliJ Platform 2024.2 (build 242; unchanged through 2025.2): the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 */
public abstract class ToolWindowManager {
    public static ToolWindowManager getInstance(Project project) { throw new UnsupportedOperationException("stub"); }

    public abstract ToolWindow getToolWindow(String id);
}

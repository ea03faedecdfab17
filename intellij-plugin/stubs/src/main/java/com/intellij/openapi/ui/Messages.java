package com.intellij.openapi.ui;

import com.intellij.openapi.project.Project;

/**
 * Compile-only stub of {@code com.intellij.openapi.ui.Messages} as in IntelliJ Platform 2024.2 (build 242; unchanged through 2025.2): the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 */
public class Messages {
    public static void showErrorDialog(Project project, String message, String title) {}
}

package com.intellij.openapi.fileTypes;

import com.intellij.openapi.project.Project;
import com.intellij.openapi.vfs.VirtualFile;

/**
 * Compile-only stub of {@code com.intellij.openapi.fileTypes.SyntaxHighlighterFactory} as in IntelliJ Platform 2024.2 (build 242; unchanged through 2025.2): the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 */
public abstract class SyntaxHighlighterFactory {
    public abstract SyntaxHighlighter getSyntaxHighlighter(Project project, VirtualFile virtualFile);
}

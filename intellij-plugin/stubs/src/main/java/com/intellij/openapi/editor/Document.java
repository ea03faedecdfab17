package com.intellij.openapi.editor;

/**
 * Compile-only stub of {@code com.intellij.openapi.editor.Document} as in IntelliJ Platform 2024.2 (build 242; unchanged through 2025.2): the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 */
public interface Document {
    int getLineNumber(int offset);

    int getLineStartOffset(int line);

    CharSequence getImmutableCharSequence();
}

package com.intellij.ui.content;

/**
 * Compile-only stub of {@code com.intellij.ui.content.ContentManager} as in IntelliJ Platform 2024.2 (build 242; unchanged through 2025.2): the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 */
public interface ContentManager {
    void addContent(Content content);
}

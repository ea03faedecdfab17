package com.intellij.openapi.application;

/**
 * Compile-only stub of {@code com.intellij.openapi.application.ApplicationManager} as in IntelliJ Platform 2024.2 (build 242; unchanged through 2025.2): the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 */
public final class ApplicationManager {
    private ApplicationManager() {}

    public static Application getApplication() { throw new UnsupportedOperationException("stub"); }
}

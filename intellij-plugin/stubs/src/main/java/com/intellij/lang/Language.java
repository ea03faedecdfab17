package com.intellij.lang;

/**
 * Compile-only stub of {@code com.intellij.lang.Language} as in IntelliJ Platform 2024.2 (build 242; unchanged through 2025.2): the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 */
public abstract class Language {
    protected Language(String id) {}

    public String getID() { throw new UnsupportedOperationException("stub"); }
}

package com.intellij.openapi.components;

/**
 * Compile-only stub of {@code com.intellij.openapi.components.PersistentStateComponent} as in IntelliJ Platform 2024.2 (build 242; unchanged through 2025.2): the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 */
public interface PersistentStateComponent<T> {
    T getState();

    void loadState(T state);
}

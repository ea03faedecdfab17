package com.intellij.openapi.project;

/**
 * Compile-only stub of {@code com.intellij.openapi.project.Project} as in IntelliJ Platform 2024.2 (build 242; unchanged through 2025.2): the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 */
public interface Project {
    /** Declared by {@code com.intellij.openapi.components.ComponentManager} in the platform. */
    <T> T getService(Class<T> serviceClass);
}

package com.intellij.openapi.options;

/**
 * Compile-only stub of {@code com.intellij.openapi.options.ConfigurationException} as in IntelliJ Platform 2024.2 (build 242; unchanged through 2025.2): the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 */
public class ConfigurationException extends Exception {
    public ConfigurationException(String message) {
        super(message);
    }
}

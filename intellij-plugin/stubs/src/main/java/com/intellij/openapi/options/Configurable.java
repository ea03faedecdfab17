package com.intellij.openapi.options;

import javax.swing.JComponent;

/**
 * Compile-only stub of {@code com.intellij.openapi.options.Configurable} as in IntelliJ Platform 2024.2 (build 242; unchanged through 2025.2): the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 * In the platform, createComponent and reset come from UnnamedConfigurable.
 */
public interface Configurable {
    String getDisplayName();

    JComponent createComponent();

    boolean isModified();

    void apply() throws ConfigurationException;

    void reset();
}

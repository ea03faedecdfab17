package com.intellij.ui.jcef;

/**
 * Compile-only stub of {@code com.intellij.ui.jcef.JBCefApp} as in IntelliJ Platform 2024.2 (build 242; unchanged through 2025.2): the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 */
public final class JBCefApp {
    private JBCefApp() {}

    public static boolean isSupported() { throw new UnsupportedOperationException("stub"); }
}

package com.intellij.openapi.util;

import javax.swing.Icon;

/**
 * Compile-only stub of {@code com.intellij.openapi.util.IconLoader} as in IntelliJ Platform 2024.2 (build 242; unchanged through 2025.2): the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 */
public final class IconLoader {
    private IconLoader() {}

    public static Icon getIcon(String path, Class<?> aClass) { throw new UnsupportedOperationException("stub"); }
}

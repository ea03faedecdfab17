package com.intellij.openapi.editor.colors;

/**
 * Compile-only stub of {@code com.intellij.openapi.editor.colors.TextAttributesKey} as in IntelliJ Platform 2024.2 (build 242; unchanged through 2025.2): the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 */
public final class TextAttributesKey {
    private TextAttributesKey() {}

    public static TextAttributesKey createTextAttributesKey(String externalName, TextAttributesKey fallbackAttributeKey) { throw new UnsupportedOperationException("stub"); }
}

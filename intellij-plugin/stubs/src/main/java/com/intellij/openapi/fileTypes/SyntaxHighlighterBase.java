package com.intellij.openapi.fileTypes;

import com.intellij.openapi.editor.colors.TextAttributesKey;

/**
 * Compile-only stub of {@code com.intellij.openapi.fileTypes.SyntaxHighlighterBase} as in IntelliJ Platform 2024.2 (build 242; unchanged through 2025.2): the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 */
public abstract class SyntaxHighlighterBase implements SyntaxHighlighter {
    protected static TextAttributesKey[] pack(TextAttributesKey key) { throw new UnsupportedOperationException("stub"); }
}

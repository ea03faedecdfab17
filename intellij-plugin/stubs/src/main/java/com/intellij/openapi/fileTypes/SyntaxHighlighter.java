package com.intellij.openapi.fileTypes;

import com.intellij.lexer.Lexer;
import com.intellij.openapi.editor.colors.TextAttributesKey;
import com.intellij.psi.tree.IElementType;

/**
 * Compile-only stub of {@code com.intellij.openapi.fileTypes.SyntaxHighlighter} as in IntelliJ Platform 2024.2 (build 242; unchanged through 2025.2): the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 */
public interface SyntaxHighlighter {
    Lexer getHighlightingLexer();

    TextAttributesKey[] getTokenHighlights(IElementType tokenType);
}

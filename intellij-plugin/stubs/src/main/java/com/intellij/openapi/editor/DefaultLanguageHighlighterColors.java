package com.intellij.openapi.editor;

import com.intellij.openapi.editor.colors.TextAttributesKey;

/**
 * Compile-only stub of {@code com.intellij.openapi.editor.DefaultLanguageHighlighterColors} as in IntelliJ Platform 2024.2 (build 242; unchanged through 2025.2): the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 * The fields are null here; only their names and types matter to javac.
 */
public interface DefaultLanguageHighlighterColors {
    TextAttributesKey KEYWORD = null;
    TextAttributesKey STRING = null;
    TextAttributesKey LINE_COMMENT = null;
    TextAttributesKey OPERATION_SIGN = null;
    TextAttributesKey METADATA = null;
}

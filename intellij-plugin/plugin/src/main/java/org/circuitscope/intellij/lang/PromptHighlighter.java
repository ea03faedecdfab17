package org.circuitscope.intellij.lang;

import com.intellij.lexer.Lexer;
import com.intellij.openapi.editor.DefaultLanguageHighlighterColors;
import com.intellij.openapi.editor.colors.TextAttributesKey;
import com.intellij.openapi.fileTypes.SyntaxHighlighterBase;
import com.intellij.psi.tree.IElementType;

/** Front matter colours, borrowed from the scheme's defaults so every theme shows them; the body stays plain. */
public final class PromptHighlighter extends SyntaxHighlighterBase {
    private static final TextAttributesKey[] NONE = new TextAttributesKey[0];
    static final TextAttributesKey DELIMITER = TextAttributesKey.createTextAttributesKey("PROMPT_DELIMITER", DefaultLanguageHighlighterColors.METADATA);
    static final TextAttributesKey KEY = TextAttributesKey.createTextAttributesKey("PROMPT_KEY", DefaultLanguageHighlighterColors.KEYWORD);
    static final TextAttributesKey COLON = TextAttributesKey.createTextAttributesKey("PROMPT_COLON", DefaultLanguageHighlighterColors.OPERATION_SIGN);
    static final TextAttributesKey VALUE = TextAttributesKey.createTextAttributesKey("PROMPT_VALUE", DefaultLanguageHighlighterColors.STRING);
    static final TextAttributesKey COMMENT = TextAttributesKey.createTextAttributesKey("PROMPT_COMMENT", DefaultLanguageHighlighterColors.LINE_COMMENT);

    @Override
    public Lexer getHighlightingLexer() { return new PromptLexer(); }

    @Override
    public TextAttributesKey[] getTokenHighlights(IElementType tokenType) {
        TokenKind kind = PromptTokenTypes.kindOf(tokenType);
        if (kind == null) return NONE;
        return switch (kind) {
            case DELIMITER -> pack(DELIMITER);
            case KEY -> pack(KEY);
            case COLON -> pack(COLON);
            case VALUE -> pack(VALUE);
            case COMMENT -> pack(COMMENT);
            case OTHER, BODY -> NONE;
        };
    }
}

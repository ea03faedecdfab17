package org.circuitscope.intellij.lang;

import com.intellij.psi.tree.IElementType;
import java.util.EnumMap;
import java.util.Map;

/** One IDE token type per {@link TokenKind}. */
public final class PromptTokenTypes {
    private static final Map<TokenKind, IElementType> TYPES = new EnumMap<>(TokenKind.class);

    static {
        for (TokenKind k : TokenKind.values()) TYPES.put(k, new IElementType("PROMPT_" + k.name(), PromptLanguage.INSTANCE));
    }

    private PromptTokenTypes() {}

    public static IElementType of(TokenKind kind) { return TYPES.get(kind); }

    /** The kind of an IDE token type, or null for a type that is not the prompt's. */
    public static TokenKind kindOf(IElementType type) {
        for (Map.Entry<TokenKind, IElementType> e : TYPES.entrySet()) {
            if (e.getValue() == type) return e.getKey();
        }
        return null;
    }
}

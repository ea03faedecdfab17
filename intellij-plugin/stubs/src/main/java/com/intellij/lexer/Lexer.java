package com.intellij.lexer;

import com.intellij.psi.tree.IElementType;

/**
 * Compile-only stub of {@code com.intellij.lexer.Lexer} as in IntelliJ Platform 2024.2 (build 242; unchanged through 2025.2): the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 */
public abstract class Lexer {
    public abstract void start(CharSequence buffer, int startOffset, int endOffset, int initialState);

    public abstract int getState();

    public abstract IElementType getTokenType();

    public abstract int getTokenStart();

    public abstract int getTokenEnd();

    public abstract void advance();

    public abstract CharSequence getBufferSequence();

    public abstract int getBufferEnd();
}

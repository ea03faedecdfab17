package org.circuitscope.intellij.lang;

import com.intellij.lexer.LexerBase;
import com.intellij.psi.tree.IElementType;

/** The IDE's lexer over {@link FrontMatterScanner}: the state of a token is its scanner state's ordinal. */
public final class PromptLexer extends LexerBase {
    private CharSequence buffer = "";
    private int bufferEnd;
    private FrontMatterScanner scanner;
    private FrontMatterToken token;

    @Override
    public void start(CharSequence buffer, int startOffset, int endOffset, int initialState) {
        this.buffer = buffer;
        this.bufferEnd = endOffset;
        this.scanner = new FrontMatterScanner(buffer, startOffset, endOffset, ScanState.of(initialState));
        this.token = scanner.next();
    }

    @Override
    public int getState() { return token == null ? ScanState.BODY.ordinal() : token.state().ordinal(); }

    @Override
    public IElementType getTokenType() { return token == null ? null : PromptTokenTypes.of(token.kind()); }

    @Override
    public int getTokenStart() { return token == null ? bufferEnd : token.start(); }

    @Override
    public int getTokenEnd() { return token == null ? bufferEnd : token.end(); }

    @Override
    public void advance() { token = scanner.next(); }

    @Override
    public CharSequence getBufferSequence() { return buffer; }

    @Override
    public int getBufferEnd() { return bufferEnd; }
}

package org.circuitscope.engine;

/**
 * One edit of a document: {@code text} replaces the range {@code start}–{@code end}, or the
 * whole document when {@code start} is null (LSP's {@code TextDocumentContentChangeEvent}).
 */
public record TextChange(TextPosition start, TextPosition end, String text) {
    public static TextChange whole(String text) { return new TextChange(null, null, text); }
}

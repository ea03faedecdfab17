package org.circuitscope.engine;

/**
 * A place in a document as editors count it: zero-based line and character, the character
 * counted in the document's {@link PositionEncoding} (LSP's {@code Position}, without the protocol).
 */
public record TextPosition(int line, int character) {}

package org.circuitscope.intellij.lang;

/** A stretch [start, end) of the text, and the state the scanner was in at its start. */
public record FrontMatterToken(TokenKind kind, int start, int end, ScanState state) {
}

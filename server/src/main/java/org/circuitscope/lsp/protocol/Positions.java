package org.circuitscope.lsp.protocol;

import org.circuitscope.engine.LineIndex;
import org.circuitscope.engine.TextPosition;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;

/** Between the engine's positions and LSP's. */
public final class Positions {
    private Positions() {}

    public static Position lsp(TextPosition p) { return new Position(p.line(), p.character()); }

    /** Null stays null (a missing position is the caller's to report). */
    public static TextPosition of(Position p) { return p == null ? null : new TextPosition(p.getLine(), p.getCharacter()); }

    /** The range of the UTF-16 offsets [from, to). */
    public static Range range(LineIndex idx, int from, int to) { return new Range(lsp(idx.position(from)), lsp(idx.position(to))); }
}

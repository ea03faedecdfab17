package org.circuitscope.lsp;

import java.util.List;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;

/**
 * One version of an open prompt file. Immutable: an edit makes a new snapshot, so work that
 * started on an old version keeps reading consistent text and can tell it is stale by its version.
 */
public record PromptDocument(String uri, String languageId, int version, String text) {

    /**
     * The document after a {@code didChange}: full replacements and ranged edits, applied in
     * order, each range read in the negotiated position encoding against the text as edited so far.
     */
    public PromptDocument apply(int newVersion, List<TextDocumentContentChangeEvent> changes, PositionEncoding enc) {
        String t = text;
        for (TextDocumentContentChangeEvent c : changes) {
            if (c.getRange() == null) {
                t = c.getText();
            } else {
                LineIndex idx = new LineIndex(t, enc);
                int from = idx.offsetClamped(c.getRange().getStart()), to = idx.offsetClamped(c.getRange().getEnd());
                if (to < from) { int s = from; from = to; to = s; }
                t = t.substring(0, from) + c.getText() + t.substring(to);
            }
        }
        return new PromptDocument(uri, languageId, newVersion, t);
    }
}

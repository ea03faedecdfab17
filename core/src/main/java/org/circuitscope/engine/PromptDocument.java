package org.circuitscope.engine;

import java.util.List;

/**
 * One version of an open prompt file. Immutable: an edit makes a new snapshot, so work that
 * started on an old version keeps reading consistent text and can tell it is stale by its version.
 */
public record PromptDocument(String uri, String languageId, int version, String text) {

    /**
     * The document after a {@code didChange}: full replacements and ranged edits, applied in
     * order, each range read in the negotiated position encoding against the text as edited so far.
     */
    public PromptDocument apply(int newVersion, List<TextChange> changes, PositionEncoding enc) {
        String t = text;
        for (TextChange c : changes) {
            if (c.start() == null) {
                t = c.text();
            } else {
                LineIndex idx = new LineIndex(t, enc);
                int from = idx.offsetClamped(c.start()), to = idx.offsetClamped(c.end());
                if (to < from) { int s = from; from = to; to = s; }
                t = t.substring(0, from) + c.text() + t.substring(to);
            }
        }
        return new PromptDocument(uri, languageId, newVersion, t);
    }
}

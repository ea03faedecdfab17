package org.circuitscope.engine;

import java.util.concurrent.CancellationException;

/**
 * A request's document changed while it was answered: its result would describe text that is
 * no longer there. The language server answers it with LSP's {@code ContentModified}.
 */
public final class ContentModifiedException extends CancellationException {
    public ContentModifiedException(String uri) {
        super("the document " + uri + " changed while this request ran; ask again");
    }
}

package org.circuitscope.scan;

import java.io.Serializable;
import java.util.Objects;

/**
 * One document of a corpus.
 *
 * @param id   unique in the corpus: the file name, or {@code file:lineNo} / the {@code id} field for JSONL
 * @param text the whole text; it is cut into windows by the scan, not here
 */
public record CorpusDocument(String id, String text) implements Serializable {
    public CorpusDocument {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(text, "text");
    }
}

package org.circuitscope.report;

import java.util.function.IntFunction;
import org.circuitscope.model.Transformer;

/**
 * What every report is about: the model (its name and the transformer) and the prompt's token
 * ids, with the tokenizer's text for an id. The command line and the server each make one from
 * what they loaded, so both build the same reports.
 */
public record Prompt(String model, Transformer transformer, int[] ids, IntFunction<String> texts) {

    public int length() { return ids.length; }

    /** The token at model position {@code p}. */
    public TokenRef token(int p) { return new TokenRef(p, ids[p], texts.apply(ids[p])); }

    /** A token outside the prompt. */
    public TokenRef outside(int id) { return new TokenRef(null, id, texts.apply(id)); }

    /** The token explained at logits row {@code pos}: the prompt's token at pos + 1 when it is that id, else outside the prompt. */
    public TokenRef target(int pos, int id) {
        return pos + 1 < ids.length && ids[pos + 1] == id ? token(pos + 1) : outside(id);
    }

    public String text(int id) { return texts.apply(id); }
}

package org.circuitscope.scan;

import java.io.Serializable;
import java.util.Comparator;
import java.util.List;

/**
 * One context where a head or neuron scored high.
 *
 * @param score    the head's direct contribution to the logit of the actual next token, or the
 *                 neuron's {@code hook_post} value, at {@code position}
 * @param document the document's id
 * @param position the destination position in the document's token stream (BOS at 0 when the
 *                 scan prepends it; otherwise the document's first token is 0)
 * @param token    the token id at {@code position}
 * @param target   the actual next token's id (what {@code position} predicts)
 * @param tokens   the tokens' texts (as {@code Tokenizer.label}) around {@code position}: up to
 *                 {@code contextLeft} before it, itself, up to {@code contextRight} after it
 * @param focus    the index of {@code position} in {@code tokens}
 */
public record TopExample(double score, String document, int position, int token, int target, List<String> tokens, int focus)
        implements Serializable {
    public TopExample {
        tokens = List.copyOf(tokens);
    }

    /** Score descending, then document id, then position: a total order, so merged lists do not depend on merge order. */
    public static final Comparator<TopExample> ORDER = Comparator.comparingDouble(TopExample::score).reversed()
            .thenComparing(TopExample::document).thenComparingInt(TopExample::position);
}

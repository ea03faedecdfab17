package org.circuitscope.lsp.feature;

import java.util.List;
import org.circuitscope.engine.TextPosition;

/**
 * What the hover shows for one token, as data: {@link TokenCardMarkdown} writes it for people,
 * tests read it directly.
 *
 * @param start      where the token starts in the document (the path-expansion link explains it)
 * @param prediction null for a token nothing predicts (the first one without BOS)
 * @param heads      the heads with the largest direct contribution to the token's logit
 * @param features   the token's strongest sparse-autoencoder features (empty without SAEs)
 */
public record TokenCard(String uri, int position, int id, String text, TextPosition start, Prediction prediction, List<HeadRow> heads,
                        List<FeatureRow> features) {

    public TokenCard(String uri, int position, int id, String text, TextPosition start, Prediction prediction, List<HeadRow> heads) {
        this(uri, position, id, text, start, prediction, heads, List.of());
    }

    /** An active feature ({@code <sae>:<index>}), its activation on the token and its one-line label. */
    public record FeatureRow(String feature, double activation, String label) {}

    /** The prediction made at the position before: this token's probability, surprisal and rank, and that prediction's top tokens. */
    public record Prediction(double prob, double surprisalBits, int rank, String after, List<Choice> top) {}

    /** One of the top predictions; {@code actual} marks the token that is there. */
    public record Choice(int id, String text, double prob, boolean actual) {}

    /** A head's direct logit contribution and the source token it took the most from (null when it has none). */
    public record HeadRow(int layer, int head, String label, double logit, Source topSource) {}

    public record Source(int position, String text, double logit) {}
}

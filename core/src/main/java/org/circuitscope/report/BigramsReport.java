package org.circuitscope.report;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.circuitscope.circuits.DirectPathBigrams;

/**
 * {@code bigrams}: the direct path's predictions against a text's bigram statistics
 * ({@link DirectPathBigrams}).
 *
 * @param text              the text the bigrams were counted from (its file name)
 * @param position          the position the direct path was read at (that of a one-token prompt's token)
 * @param min_count         pairs seen fewer times are left out of the correlation
 * @param counted_pairs     adjacent pairs in the text (its tokens − 1)
 * @param distinct_pairs    distinct pairs seen
 * @param pairs             pairs with count ≥ min_count: the correlation's sample
 * @param correlation       Pearson r of the direct path's log-probabilities with log P(next | prev)
 * @param logit_correlation the same with the raw direct-path logits
 * @param top               the most frequent pairs side by side
 */
public record BigramsReport(String model, int n_layers, String text, int position, int min_count, long counted_pairs,
                            int distinct_pairs, int pairs, double correlation, double logit_correlation, List<Row> top) {

    /**
     * One pair.
     *
     * @param corpus_logprob log P(next | prev) in the text
     * @param direct_logprob the direct path's log-probability of next after prev
     * @param direct_rank    rank of next in the direct path's prediction (1 = its top token)
     */
    public record Row(TokenRef prev, TokenRef next, int count, double corpus_logprob, double direct_logprob, int direct_rank) {}

    public static BigramsReport of(String model, int nLayers, String text, DirectPathBigrams.Result r, IntFunction<String> texts) {
        List<Row> rows = new ArrayList<>();
        for (DirectPathBigrams.Pair p : r.top()) {
            rows.add(new Row(new TokenRef(null, p.prev(), texts.apply(p.prev())), new TokenRef(null, p.next(), texts.apply(p.next())),
                    p.count(), p.corpusLogprob(), p.directLogprob(), p.directRank()));
        }
        return new BigramsReport(model, nLayers, text, r.position(), r.minCount(), r.counted(), r.distinct(), r.pairs(),
                r.correlation(), r.logitCorrelation(), List.copyOf(rows));
    }
}

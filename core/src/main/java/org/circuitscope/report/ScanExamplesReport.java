package org.circuitscope.report;

import java.util.List;
import org.circuitscope.scan.ScanResult;
import org.circuitscope.scan.TopExample;

/**
 * A corpus scan's top examples of one head or MLP neuron, as the scan's {@code head_examples.jsonl}
 * or {@code neuron_examples.jsonl} holds them, with the head's corpus statistics from
 * {@code summary.json} (README "Corpus scans" defines every figure).
 *
 * @param model    the model the scan ran (the prompt's: a scan of another model is refused)
 * @param scan     the scan directory
 * @param kind     {@code head} or {@code neuron}
 * @param index    the head, or the neuron
 * @param label    {@code L1H6} or {@code L0N42}
 * @param hook     what the score reads: {@code blocks.1.attn.hook_result} (direct logit attribution to the next token) or {@code blocks.0.mlp.hook_post}
 * @param corpus   what was scanned
 * @param stats    the head's corpus statistics; null for a neuron
 * @param examples best first: score, document id, destination position, token and next-token ids, the context's token texts and the focus's index in them
 */
public record ScanExamplesReport(String model, String scan, String kind, int layer, int index, String label, String hook, Corpus corpus,
                                 HeadStats stats, List<TopExample> examples) {

    /**
     * @param predicted_tokens the denominator of the per-token means
     * @param windows          the denominator of the detector scores
     * @param mean_loss        nats per predicted token
     */
    public record Corpus(int documents, long tokens, long predicted_tokens, long windows, double mean_loss, int context_length, int stride,
                         int top_k) {}

    /** Means over the corpus: detector scores over windows; entropy (nats) and direct logit attribution over predicted tokens. */
    public record HeadStats(double previous_token, double duplicate_token, double induction, double attention_entropy,
                            double direct_logit_attribution) {}

    public static ScanExamplesReport head(String dir, ScanResult r, int layer, int head) {
        ScanResult.HeadStats s = r.head(layer, head);
        ScanResult.UnitExamples u = r.headExamples().get(layer * r.summary().model().nHeads() + head);
        return of(dir, r, "head", u, new HeadStats(s.previousToken(), s.duplicateToken(), s.induction(), s.attentionEntropy(),
                s.directLogitAttribution()));
    }

    public static ScanExamplesReport neuron(String dir, ScanResult r, int layer, int neuron) {
        return of(dir, r, "neuron", r.neuronExamples().get(layer * r.summary().model().dMlp() + neuron), null);
    }

    private static ScanExamplesReport of(String dir, ScanResult r, String kind, ScanResult.UnitExamples u, HeadStats stats) {
        ScanResult.Summary s = r.summary();
        var spec = s.spec();
        Corpus c = new Corpus(s.documents(), s.tokens(), s.predictedTokens(), s.windows(), s.meanLoss(), spec.contextLength(), spec.stride(), spec.topK());
        return new ScanExamplesReport(s.model().name(), dir, kind, u.layer(), u.index(), u.label(), u.hook(), c, stats, u.examples());
    }
}

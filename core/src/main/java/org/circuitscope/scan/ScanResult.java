package org.circuitscope.scan;

import java.util.List;

/**
 * A finished scan as {@link ScanOutput} writes and reads it: what a page or a test needs.
 *
 * @param summary        {@code summary.json}
 * @param documents      {@code documents.jsonl}, in document-id order
 * @param headExamples   {@code head_examples.jsonl}: one entry per head, layer-major
 * @param neuronExamples {@code neuron_examples.jsonl}: one entry per MLP neuron, layer-major; empty for attention-only models
 */
public record ScanResult(Summary summary, List<DocumentRow> documents, List<UnitExamples> headExamples, List<UnitExamples> neuronExamples) {

    /**
     * @param format          {@value ScanOutput#FORMAT}
     * @param model           the model's name and shape
     * @param spec            what was collected
     * @param documents       documents scanned
     * @param tokens          stream tokens over all documents (BOS counted once per document)
     * @param predictedTokens tokens predicted (the denominators of the per-token means)
     * @param windows         windows run (the denominator of the detector scores)
     * @param meanLoss        mean loss over all predicted tokens, nats
     * @param neurons         MLP neurons with top examples (n_layers · d_mlp); 0 for attention-only models
     * @param neuronsNote     why there are no neuron examples, else null
     * @param heads           one row per head, layer-major
     */
    public record Summary(String format, Model model, ScanSpec spec, int documents, long tokens, long predictedTokens, long windows,
                          double meanLoss, int neurons, String neuronsNote, List<HeadStats> heads) {}

    public record Model(String name, int nLayers, int nHeads, int dModel, int dMlp, int dVocab, int nCtx, boolean attnOnly) {}

    /**
     * A head's corpus statistics.
     *
     * @param previousToken          mean over windows of the window's previous-token score
     * @param duplicateToken         mean over windows of the window's duplicate-token score
     * @param induction              mean over windows of the window's induction score
     * @param attentionEntropy       mean over predicted tokens of the destination row's entropy, nats
     * @param directLogitAttribution mean over predicted tokens of the head's direct effect on the actual next token's logit
     */
    public record HeadStats(int layer, int head, String label, double previousToken, double duplicateToken, double induction,
                            double attentionEntropy, double directLogitAttribution) {}

    /**
     * The top examples of one head ({@code index} = head, label {@code L1H6}, hook
     * {@code blocks.1.attn.hook_result}) or neuron ({@code index} = neuron, label {@code L0N42},
     * hook {@code blocks.0.mlp.hook_post}), best first.
     */
    public record UnitExamples(int layer, int index, String label, String hook, List<TopExample> examples) {}

    public HeadStats head(int layer, int head) { return summary.heads().get(layer * summary.model().nHeads() + head); }
}

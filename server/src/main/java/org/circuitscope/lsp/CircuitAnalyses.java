package org.circuitscope.lsp;

import java.util.List;
import org.eclipse.lsp4j.jsonrpc.CancelChecker;

/**
 * The analyses the server needs from the circuits library that are not in core yet. The
 * server calls only this interface; {@link SimpleCircuitAnalyses} is the stand-in until the
 * circuits library is wired in (direct attribution done here, the rest {@link NotYetAvailable}).
 * Results are plain records (serialised to JSON as they are).
 */
public interface CircuitAnalyses {

    /** One source token's part of a head's direct contribution. */
    record SourceContribution(int source, double logit) {}

    /** A head's direct contribution to a logit, and its split over the source tokens it attended to. */
    record HeadContribution(int layer, int head, String label, double logit, List<SourceContribution> sources) {}

    /**
     * Direct logit attribution through each head of the logit of {@code target} read at model
     * position {@code pos} (the prediction of position {@code pos + 1}), heads sorted by
     * |contribution|, largest first; with {@code withSources} each head's split over its source
     * tokens too, sorted the same way (otherwise an empty list, which is much cheaper).
     */
    List<HeadContribution> directHeads(PromptRun run, int pos, int target, boolean withSources, CancelChecker cancel);

    /** Path expansion terms (direct, single-head, virtual two-head) of the logit of {@code target} at {@code pos}. */
    Object pathExpansion(PromptRun run, int pos, int target, CancelChecker cancel);

    /** Token attributions by {@code method} ("direct" is answered from {@link #directHeads}; gradient methods belong here). */
    Object attribute(PromptRun run, int pos, int target, String method, CancelChecker cancel);

    /** The head's top skip-trigrams {@code [source] … [destination] → [out]}. */
    Object skipTrigrams(ModelHandle model, int layer, int head, int k);

    /** Q-, K- and V-composition scores of the head with every other head. */
    Object composition(ModelHandle model, int layer, int head);
}

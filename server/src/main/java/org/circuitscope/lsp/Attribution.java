package org.circuitscope.lsp;

import java.util.ArrayList;
import java.util.List;
import org.circuitscope.lsp.CircuitAnalyses.HeadContribution;
import org.circuitscope.lsp.CircuitAnalyses.SourceContribution;

/** The JSON of {@code circuitscope.attribute} with method "direct". */
final class Attribution {
    private Attribution() {}

    record Source(int index, String text, double logit) {}

    record HeadRow(int layer, int head, String label, double logit, List<Source> sources) {}

    record Result(String model, String method, int position, Integer token_index, int target_id, String target_text,
                  double total_head_logit, List<HeadRow> heads) {}

    static Result direct(PromptRun run, Target t, List<HeadContribution> heads, LineIndex idx) {
        List<HeadRow> rows = new ArrayList<>();
        double total = 0;
        for (HeadContribution h : heads) {
            total += h.logit();
            List<Source> src = new ArrayList<>();
            for (SourceContribution s : h.sources()) src.add(new Source(s.source(), run.model().tokenText(run.ids()[s.source()]), s.logit()));
            rows.add(new HeadRow(h.layer(), h.head(), h.label(), h.logit(), src));
        }
        return new Result(run.model().name(), "direct", t.pos(), t.token() < 0 ? null : t.token(), t.id(),
                run.model().tokenText(t.id()), total, rows);
    }
}

package org.circuitscope.lsp.command;

import org.circuitscope.circuits.PatchingMetric;
import org.circuitscope.circuits.PatchingSweep;
import org.circuitscope.engine.FrontMatter;
import org.circuitscope.engine.PromptDocument;
import org.circuitscope.engine.PromptRun;
import org.circuitscope.engine.PromptWorkspace;
import org.circuitscope.lsp.protocol.CommandIds;
import org.circuitscope.lsp.protocol.Params;
import org.circuitscope.lsp.protocol.Snippet;
import org.circuitscope.report.PatchingReport;
import org.circuitscope.tokenizer.Encoding;

/**
 * {@code circuitscope.patch}: {@link PatchingReport} of patching from a corrupt prompt into the
 * document (the clean prompt). The corrupt prompt is {@code corruptUri} (an open document) or
 * {@code corrupt} (text); either may carry front matter, which is skipped, and it gets a BOS
 * exactly when the document's run has one. The metric is the logit difference of
 * {@code target} − {@code contrast} (else the front matter's) at the last position, or with
 * {@code "metric": "loss"} the clean prompt's loss. Every patched pass checks for cancellation.
 */
final class PatchCommand implements ServerCommand {
    private final PromptWorkspace ws;

    PatchCommand(PromptWorkspace ws) { this.ws = ws; }

    @Override public String id() { return CommandIds.PATCH; }

    @Override
    public Object run(CommandCall call) {
        PromptRun run = call.run();
        String cmd = call.command();
        PatchingMetric metric = metric(call);
        int[] clean = run.ids(), corrupt = corrupt(call);
        if (corrupt.length != clean.length) {
            throw Params.invalid(cmd + ": the document is " + clean.length + " tokens but the corrupt prompt is " + corrupt.length
                    + "; patching needs prompts of the same length (edit one so they tokenize alike)");
        }
        try {
            PatchingSweep.Result r = PatchingSweep.run(run.model().transformer(), clean, corrupt, metric, call.cancel()::check);
            return PatchingReport.of(call.prompt(), corrupt, metric, r);
        } catch (IllegalArgumentException e) {
            throw Params.invalid(cmd + ": " + e.getMessage());
        }
    }

    private static PatchingMetric metric(CommandCall call) {
        String kind = Params.optString(call.args(), "metric", call.command());
        if ("loss".equals(kind)) return PatchingMetric.loss();
        if (kind != null && !kind.equals("logit_diff")) {
            throw Params.invalid(call.command() + ": 'metric' must be \"logit_diff\" or \"loss\", not " + Snippet.of(kind));
        }
        int target = Target.of(call).id();
        int contrast = Target.contrast(call, target);
        if (contrast < 0) {
            throw Params.invalid(call.command() + ": the logit difference needs 'contrast' (or circuitscope.contrast in the front matter),"
                    + " or use \"metric\": \"loss\"");
        }
        return PatchingMetric.logitDiff(target, contrast);
    }

    /** The corrupt prompt's ids, tokenized as the document's run was. */
    private int[] corrupt(CommandCall call) {
        String cmd = call.command();
        String uri = Params.optString(call.args(), "corruptUri", cmd), text = Params.optString(call.args(), "corrupt", cmd);
        if ((uri == null) == (text == null)) throw Params.invalid(cmd + ": give exactly one of 'corruptUri' (an open document) and 'corrupt' (text)");
        if (uri != null) {
            PromptDocument d = ws.document(uri);
            if (d == null) throw Params.invalid(cmd + ": the corrupt document " + Snippet.of(uri) + " is not open (send didOpen first)");
            text = d.text();
        }
        PromptRun run = call.run();
        Encoding e = run.model().encode(text.substring(FrontMatter.parse(text).bodyStart()));
        int bos = run.bos() ? 1 : 0;
        int[] ids = new int[e.size() + bos];
        if (bos == 1) ids[0] = run.ids()[0];
        System.arraycopy(e.ids(), 0, ids, bos, e.size());
        return ids;
    }
}

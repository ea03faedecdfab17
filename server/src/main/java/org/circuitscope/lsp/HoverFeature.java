package org.circuitscope.lsp;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.circuitscope.model.LogitOps;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.MarkupContent;
import org.eclipse.lsp4j.MarkupKind;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.jsonrpc.CancelChecker;

/**
 * The token card: text and id, probability, surprisal and rank under the prediction at the
 * position before, that prediction's top-k, the heads (and the source tokens through them)
 * with the largest direct contribution to the token's logit, and command links.
 */
public final class HoverFeature {
    static final int HEADS_SHOWN = 3;

    private HoverFeature() {}

    public static Hover hover(PromptRun run, int offset, LineIndex idx, Settings settings, CancelChecker cancel) {
        int p = run.positionAt(offset);
        if (p < 0) return null;
        ModelHandle m = run.model();
        int id = run.ids()[p];
        StringBuilder md = new StringBuilder();
        md.append("**").append(Show.tokenMd(m.tokenText(id))).append("** · token id ").append(id)
                .append(" · position ").append(p).append('\n');
        if (!run.scored(p)) {
            md.append("\nThe first token has no prediction before it (set `prepend_bos: true` to score it).\n");
        } else {
            md.append("\np = ").append(Show.percent(Math.exp(run.logProb()[p])))
                    .append(" · surprisal ").append(Show.num(run.surprisalBits(p), 2)).append(" bits")
                    .append(" · rank ").append(run.rank()[p]).append('\n');
            md.append("\n| top ").append(settings.topK()).append(" after ").append(Show.tokenMd(m.tokenText(run.ids()[p - 1])))
                    .append(" | p |\n|---|---:|\n");
            for (LogitOps.Scored s : run.acts().topK(p - 1, settings.topK())) {
                md.append("| ").append(Show.tokenMd(m.tokenText(s.token()))).append(s.token() == id ? " ◀" : "")
                        .append(" | ").append(Show.percent(Math.exp(s.score()))).append(" |\n");
            }
            cancel.checkCanceled();
            List<HeadAttribution.Head> heads = HeadAttribution.at(run, p - 1, id, HEADS_SHOWN, cancel);
            md.append("\n| head | direct logit | top source |\n|---|---:|---|\n");
            for (HeadAttribution.Head h : heads.subList(0, Math.min(HEADS_SHOWN, heads.size()))) {
                HeadAttribution.Source s = h.sources().isEmpty() ? null : h.sources().get(0);
                md.append("| ").append(h.label()).append(" | ").append(Show.signed(h.logit())).append(" | ")
                        .append(s == null ? "" : Show.tokenMd(m.tokenText(run.ids()[s.source()])) + " @" + s.source() + " (" + Show.signed(s.logit()) + ")")
                        .append(" |\n");
            }
            if (!heads.isEmpty()) {
                HeadAttribution.Head top = heads.get(0);
                JsonObject inspect = new JsonObject();
                inspect.addProperty("uri", run.doc().uri());
                inspect.addProperty("layer", top.layer());
                inspect.addProperty("head", top.head());
                JsonObject paths = new JsonObject();
                paths.addProperty("uri", run.doc().uri());
                paths.add("position", new Gson().toJsonTree(idx.position(run.starts()[p])));
                md.append("\n[Inspect ").append(top.label()).append("](").append(link(Commands.INSPECT_HEAD, inspect))
                        .append(") · [Expand paths](").append(link(Commands.PATH_EXPANSION, paths)).append(")\n");
            }
        }
        Hover h = new Hover(new MarkupContent(MarkupKind.MARKDOWN, md.toString()));
        h.setRange(new Range(idx.position(run.starts()[p]), idx.position(run.ends()[p])));
        return h;
    }

    /** A Markdown command link: {@code command:<id>?<url-encoded JSON array of arguments>}. */
    static String link(String command, JsonObject arg) {
        return "command:" + command + "?" + URLEncoder.encode("[" + arg + "]", StandardCharsets.UTF_8).replace("+", "%20");
    }
}

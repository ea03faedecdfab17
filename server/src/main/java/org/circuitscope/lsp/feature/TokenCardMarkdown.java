package org.circuitscope.lsp.feature;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import org.circuitscope.lsp.protocol.CommandIds;
import org.circuitscope.lsp.protocol.Positions;
import org.circuitscope.lsp.protocol.ViewLinks;

/**
 * Writes a {@link TokenCard} as the hover's Markdown: a title line, the prediction's table, the
 * heads' table and command links. Token text sits in code spans; inside a table a {@code |}
 * would end the cell even there (GitHub-flavoured Markdown), so cells escape it. Links go where
 * {@link ViewLinks} says: {@code command:} URIs for VS Code, the viewer's URLs for other editors.
 */
public final class TokenCardMarkdown {
    private TokenCardMarkdown() {}

    public static String render(TokenCard card) { return render(card, ViewLinks.COMMANDS); }

    public static String render(TokenCard card, ViewLinks links) {
        StringBuilder md = new StringBuilder();
        md.append("**").append(Show.tokenMd(card.text())).append("** · token id ").append(card.id())
                .append(" · position ").append(card.position()).append('\n');
        TokenCard.Prediction pr = card.prediction();
        if (pr == null) {
            md.append("\nThe first token has no prediction before it (set `prepend_bos: true` to score it).\n");
            features(md, card, links);
            return md.toString();
        }
        md.append("\np = ").append(Show.percent(pr.prob())).append(" · surprisal ").append(Show.num(pr.surprisalBits(), 2))
                .append(" bits · rank ").append(pr.rank()).append('\n');
        md.append("\n| top ").append(pr.top().size()).append(" after ").append(cell(Show.tokenMd(pr.after()))).append(" | p |\n|---|---:|\n");
        for (TokenCard.Choice c : pr.top()) {
            md.append("| ").append(cell(Show.tokenMd(c.text()))).append(c.actual() ? " ◀" : "").append(" | ")
                    .append(Show.percent(c.prob())).append(" |\n");
        }
        md.append("\n| head | direct logit | top source |\n|---|---:|---|\n");
        for (TokenCard.HeadRow h : card.heads()) {
            TokenCard.Source s = h.topSource();
            md.append("| ").append(h.label()).append(" | ").append(Show.signed(h.logit())).append(" | ")
                    .append(s == null ? "" : cell(Show.tokenMd(s.text())) + " @" + s.position() + " (" + Show.signed(s.logit()) + ")")
                    .append(" |\n");
        }
        features(md, card, links);
        if (!card.heads().isEmpty()) {
            TokenCard.HeadRow top = card.heads().get(0);
            JsonObject inspect = new JsonObject();
            inspect.addProperty("uri", card.uri());
            inspect.addProperty("layer", top.layer());
            inspect.addProperty("head", top.head());
            JsonObject paths = new JsonObject();
            paths.addProperty("uri", card.uri());
            paths.add("position", new Gson().toJsonTree(Positions.lsp(card.start())));
            md.append("\n[Inspect ").append(top.label()).append("](").append(links.href(CommandIds.INSPECT_HEAD, inspect))
                    .append(") · [Expand paths](").append(links.href(CommandIds.PATH_EXPANSION, paths)).append(")\n");
        }
        return md.toString();
    }

    /** The features table, each feature linking to its card; nothing without SAEs. */
    static void features(StringBuilder md, TokenCard card, ViewLinks links) {
        if (card.features().isEmpty()) return;
        md.append("\n| feature | activation | label |\n|---|---:|---|\n");
        for (TokenCard.FeatureRow f : card.features()) {
            JsonObject args = new JsonObject();
            args.addProperty("uri", card.uri());
            args.addProperty("feature", f.feature());
            md.append("| [").append(cell(f.feature())).append("](").append(links.href(CommandIds.FEATURE_CARD, args)).append(") | ")
                    .append(Show.num(f.activation(), 3)).append(" | ").append(cell(Show.codeMd(f.label()))).append(" |\n");
        }
    }

    /** Markdown for a table cell: a {@code |} would end the cell, even inside a code span. */
    static String cell(String md) { return md.replace("|", "\\|"); }
}

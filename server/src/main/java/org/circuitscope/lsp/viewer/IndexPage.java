package org.circuitscope.lsp.viewer;

import com.google.gson.JsonObject;
import java.util.List;
import org.circuitscope.lsp.protocol.CommandIds;
import org.circuitscope.view.Html;
import org.circuitscope.view.Page;
import org.circuitscope.view.PageOptions;

/** The viewer's front page: every open document with a link to each of its views. */
final class IndexPage {
    private IndexPage() {}

    /** A view the index links to, when this server has it (composition scores come with the renderer). */
    private record Link(String title, String command, JsonObject args) {}

    static Page render(List<IndexEntry> entries, ViewPages views, PageOptions.LinkTarget links, String nonce) {
        StringBuilder body = new StringBuilder();
        if (entries.isEmpty()) body.append("<p>No prompt is open. Open a <code>.prompt</code> file in the editor and reload.</p>\n");
        for (IndexEntry e : entries) {
            body.append("<section><h2>").append(Html.escape(e.uri())).append("</h2>\n");
            if (e.problem() != null) {
                body.append("<p class=\"problem\">").append(Html.escape(e.problem())).append("</p>\n");
            } else {
                body.append("<p class=\"model\">").append(Html.escape(e.model())).append("</p>\n<ul>\n");
                for (Link l : links(e)) {
                    if (!views.has(l.command())) continue;
                    body.append("<li><a href=\"").append(Html.escape(links.href(l.command(), l.args()))).append("\">")
                            .append(Html.escape(l.title())).append("</a></li>\n");
                }
                body.append("</ul>\n");
            }
            body.append("</section>\n");
        }
        String csp = ContentSecurityPolicy.forNonce(nonce);
        String html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                + "<meta http-equiv=\"Content-Security-Policy\" content=\"" + csp + "\">\n"
                + "<title>circuitscope</title>\n<style nonce=\"" + nonce + "\">\n"
                + ":root { color-scheme: light dark; }\n"
                + "body { font: 14px system-ui, sans-serif; margin: 1.5em; color: var(--vscode-foreground, #1f1f1f);"
                + " background: var(--vscode-editor-background, #ffffff); }\n"
                + "a { color: var(--vscode-textLink-foreground, #0b62c4); }\n"
                + ".problem { color: var(--vscode-errorForeground, #b3261e); }\n"
                + "h2 { font-size: 1em; font-family: ui-monospace, monospace; }\n"
                + "@media (prefers-color-scheme: dark) { body { color: var(--vscode-foreground, #e3e3e3);"
                + " background: var(--vscode-editor-background, #1e1e1e); } a { color: var(--vscode-textLink-foreground, #6cb6ff); }"
                + " .problem { color: var(--vscode-errorForeground, #f28b82); } }\n"
                + "</style></head>\n<body>\n<h1>circuitscope</h1>\n" + body + "</body></html>\n";
        return new Page("circuitscope", html);
    }

    private static List<Link> links(IndexEntry e) {
        List<Link> out = new java.util.ArrayList<>();
        out.add(new Link("Heads overview", CommandIds.DETECT_HEADS, doc(e)));
        out.add(new Link("Composition scores", "circuitscope.compositionScores", doc(e)));
        for (int l = 0; l < e.layers(); l++) {
            JsonObject a = doc(e);
            a.addProperty("layer", l);
            out.add(new Link("Attention, layer " + l, CommandIds.ATTENTION_PATTERN, a));
        }
        if (e.lastToken() != null) {
            JsonObject at = doc(e);
            JsonObject p = new JsonObject();
            p.addProperty("line", e.lastToken().line());
            p.addProperty("character", e.lastToken().character());
            at.add("position", p);
            out.add(new Link("Path expansion of the last token", CommandIds.PATH_EXPANSION, at));
            out.add(new Link("Attribution of the last token", CommandIds.ATTRIBUTE, at));
            out.add(new Link("Logit lens at the last token", CommandIds.LOGIT_LENS, at));
        }
        return out;
    }

    private static JsonObject doc(IndexEntry e) {
        JsonObject o = new JsonObject();
        o.addProperty("uri", e.uri());
        return o;
    }
}

package org.circuitscope.view;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every page, in both modes, on a prompt holding {@code <script>}, {@code &}, quotes and {@code |}:
 * parsed as HTML, the only script is the page's own nonce'd one, the tokens are text, nothing
 * loads from anywhere, and the CSP says so.
 */
class PageSafetyTest {
    static Answers a;
    static List<EveryView.Drawn> views;
    static final String NONCE = "Zm9vYmFy";
    static final PageOptions BROWSER = PageOptions.browser((command, args) -> "/s3cret/view/" + command + "?args="
            + java.net.URLEncoder.encode(args.toString(), java.nio.charset.StandardCharsets.UTF_8));

    @BeforeAll
    static void open() throws Exception {
        a = new Answers(Answers.SHIPPED, Answers.NASTY);
        views = EveryView.of(a, Answers.NASTY.lastIndexOf("ur"));
    }

    @AfterAll static void close() { a.close(); }

    @Test
    void everyDrawableCommandIsRequestedHere() {
        assertEquals(Pages.commands(), views.stream().map(EveryView.Drawn::command).collect(Collectors.toSet()));
        assertFalse(Pages.drawable("circuitscope.predict"), "predictions show in the editor, not as a picture");
        assertFalse(Pages.drawable(null));
    }

    @Test
    void theOnlyScriptIsThePagesOwnAndEveryTagCarriesTheNonce() {
        for (EveryView.Drawn v : views) {
            for (PageOptions o : List.of(PageOptions.webview(NONCE), BROWSER)) {
                Document d = Jsoup.parse(v.page(o).html());
                assertNull(d.selectFirst(".error"), v.name() + " drew an error: " + d.select(".error").text());
                List<Element> scripts = d.select("script");
                assertEquals(1, scripts.size(), v.name() + ": one script");
                List<Element> styles = d.select("style");
                assertEquals(1, styles.size(), v.name() + ": one style");
                String nonce = scripts.getFirst().attr("nonce");
                assertFalse(nonce.isEmpty(), v.name() + ": the script has a nonce");
                assertEquals(nonce, styles.getFirst().attr("nonce"));
                if (o.nonce() != null) assertEquals(NONCE, nonce, "a webview page uses the editor's nonce");
                Element csp = d.selectFirst("meta[http-equiv=Content-Security-Policy]");
                assertNotNull(csp, v.name() + ": CSP meta");
                assertEquals("default-src 'none'; style-src 'nonce-" + nonce + "'; script-src 'nonce-" + nonce + "'; img-src data:", csp.attr("content"));
                assertTrue(d.select("[style]").isEmpty(), v.name() + ": no inline style attributes (the CSP blocks them)");
                assertTrue(d.select("*").stream().noneMatch(e -> e.attributes().asList().stream().anyMatch(at -> at.getKey().startsWith("on"))),
                        v.name() + ": no event handler attributes");
            }
        }
    }

    @Test
    void nothingLoadsFromAnywhere() {
        Pattern remote = Pattern.compile("^(https?:)?//|^[a-z]+:", Pattern.CASE_INSENSITIVE);
        for (EveryView.Drawn v : views) {
            for (PageOptions o : List.of(PageOptions.webview(NONCE), BROWSER)) {
                String html = v.page(o).html();
                Document d = Jsoup.parse(html);
                assertTrue(d.select("[src], link, iframe, object, embed, img, image, use").isEmpty(), v.name() + ": no loaded resource");
                for (Element e : d.select("[href]")) {
                    assertTrue(o.links() != null, v.name() + ": no href in a webview (links post to the editor): " + e);
                    assertFalse(remote.matcher(e.attr("href")).find(), v.name() + ": a link to the viewer, not elsewhere: " + e.attr("href"));
                }
                assertFalse(html.contains("url("), v.name() + ": no CSS url()");
                assertFalse(html.contains("@import"), v.name() + ": no CSS import");
            }
        }
    }

    @Test
    void promptTokensAreTextWherever_theyAppear() {
        Set<String> pieces = Set.of("<", "&", "\"", "'", "|");
        for (EveryView.Drawn v : views) {
            Document d = Jsoup.parse(v.page(PageOptions.webview(NONCE)).html());
            String text = d.body().text() + String.join("", d.select("title").eachText())
                    + String.join("", d.select("[data-tip]").eachAttr("data-tip"));
            if (v.name().startsWith("attention") || v.name().startsWith("head-") || v.name().startsWith("attribution")) {
                for (String p : pieces) assertTrue(text.contains(p), v.name() + " shows the prompt's " + p + " as text");
            }
            assertTrue(d.select("body script").size() <= 1, v.name());
        }
    }

    @Test
    void colourFallbacksFollowTheThemeOrTheSystemScheme() {
        String html = views.getFirst().page(PageOptions.webview(NONCE)).html();
        assertTrue(html.contains("@media (prefers-color-scheme: dark)"));
        assertTrue(html.contains("var(--vscode-foreground, var(--cs-fg))"));
        // Every VS Code variable has a fallback, so a browser page has colours too.
        assertFalse(Pattern.compile("var\\(--vscode-[\\w-]+\\)").matcher(html).find(), "a theme variable without a fallback");
    }
}

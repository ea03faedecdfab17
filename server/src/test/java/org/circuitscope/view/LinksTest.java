package org.circuitscope.view;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Links between views: in a webview the script posts {command, args}; in a browser they are the viewer's URLs. */
class LinksTest {
    static Answers a;
    static JsonObject args;
    static JsonObject heads;

    @BeforeAll
    static void open() throws Exception {
        a = new Answers(Answers.SHIPPED, "Mr and Mrs Dursley, Mr and Mrs Dursley");
        args = a.args("{}");
        heads = a.answer("circuitscope.detectHeads", args).getAsJsonObject();
    }

    @AfterAll static void close() { a.close(); }

    @Test
    void webviewLinksNameTheCommandAndItsArgumentsAndTheScriptPostsThem() {
        Document d = Jsoup.parse(Pages.render("circuitscope.detectHeads", args, heads, PageOptions.webview("n")).html());
        List<Element> links = d.select("#heads .link");
        assertEquals(8, links.size(), "one link per head of attn-only-2l");
        Element l1h0 = links.stream().filter(e -> e.text().equals("L1H0")).findFirst().orElseThrow();
        assertEquals("circuitscope.inspectHead", l1h0.attr("data-command"));
        JsonObject posted = JsonParser.parseString(l1h0.attr("data-args")).getAsJsonObject();
        assertEquals(a.uri, posted.get("uri").getAsString());
        assertEquals(1, posted.get("layer").getAsInt());
        assertEquals(0, posted.get("head").getAsInt());
        assertFalse(l1h0.hasAttr("href"));
        String script = d.selectFirst("script").data();
        assertTrue(script.contains("acquireVsCodeApi()") && script.contains("postMessage({ command: a.getAttribute('data-command')"), script);
        assertEquals(9, d.select("tr").size(), "a header and one row per head");
    }

    @Test
    void browserLinksAreTheViewersUrlsAndNoScriptTalksToAnEditor() {
        List<String> asked = new ArrayList<>();
        PageOptions browser = PageOptions.browser((command, json) -> {
            asked.add(command + " " + json);
            return "/k/view/" + command + "?n=" + asked.size();
        });
        Document d = Jsoup.parse(Pages.render("circuitscope.detectHeads", args, heads, browser).html());
        Element l0h2 = d.select("#heads a.link").stream().filter(e -> e.text().equals("L0H2")).findFirst().orElseThrow();
        int n = Integer.parseInt(l0h2.attr("href").replaceAll(".*n=", ""));
        assertEquals("circuitscope.inspectHead {\"uri\":\"" + a.uri + "\",\"layer\":0,\"head\":2}", asked.get(n - 1));
        assertTrue(l0h2.attr("href").startsWith("/k/view/circuitscope.inspectHead?"));
        assertFalse(d.selectFirst("script").data().contains("acquireVsCodeApi"), "no editor API in a browser");
        assertTrue(asked.stream().anyMatch(s -> s.startsWith("circuitscope.compositionScores {\"uri\"")), "the overview links the composition matrix");
    }

    @Test
    void theHeadCardLinksItsLayer() throws Exception {
        JsonObject req = a.args("{\"layer\":1,\"head\":0}");
        JsonObject card = a.answer("circuitscope.inspectHead", req).getAsJsonObject();
        Document d = Jsoup.parse(Pages.render("circuitscope.inspectHead", req, card, PageOptions.webview("n")).html());
        Element layer = d.select(".link").stream().filter(e -> e.text().equals("All heads of layer 1")).findFirst().orElseThrow();
        assertEquals("circuitscope.attentionPattern", layer.attr("data-command"));
        assertEquals("{\"uri\":\"" + a.uri + "\",\"layer\":1}", layer.attr("data-args"));
    }
}

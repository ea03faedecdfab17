package org.circuitscope.view;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

/** What cannot be drawn gives a page that says why, with the same CSP; render never throws. */
class ErrorPageTest {
    @Test
    void theServersMessageIsEscaped() {
        Page p = Pages.error("circuitscope.pathExpansion", "not yet available <soon> & \"then\"", PageOptions.webview("n"));
        assertEquals("Path expansion", p.title());
        Document d = Jsoup.parse(p.html());
        assertEquals("not yet available <soon> & \"then\"", d.getElementById("error").text());
        assertTrue(d.select("soon").isEmpty());
        assertNotNull(d.selectFirst("meta[http-equiv=Content-Security-Policy]"));
    }

    @Test
    void anUnknownCommandNamesThePictures() {
        Page p = Pages.render("circuitscope.nope", new JsonObject(), new JsonObject(), PageOptions.webview("n"));
        String msg = Jsoup.parse(p.html()).getElementById("error").text();
        assertTrue(msg.contains("no picture for circuitscope.nope") && msg.contains("circuitscope.compositionScores"), msg);
    }

    @Test
    void anAnswerMissingAFieldNamesIt() {
        JsonObject r = JsonParser.parseString("{\"model\":\"m\",\"layer\":0,\"tokens\":[]}").getAsJsonObject();
        Page p = Pages.render("circuitscope.attentionPattern", null, r, PageOptions.browser((c, a) -> "/x"));
        assertEquals("circuitscope.attentionPattern: cannot draw this answer: the answer has no 'heads'",
                Jsoup.parse(p.html()).getElementById("error").text());
    }

    @Test
    void wrongKindsAndShapesAreErrorsNotExceptions() {
        String[] bad = {
            "{\"model\":\"m\",\"layer\":0,\"tokens\":[{\"text\":\"a\"}],\"heads\":[{\"head\":0,\"label\":\"L0H0\",\"pattern\":[[1],[0.5,0.5]]}]}",
            "{\"model\":\"m\",\"layer\":0,\"tokens\":\"abc\",\"heads\":[]}",
            "{\"model\":\"m\",\"layer\":\"zero\",\"tokens\":[],\"heads\":[{}, {}]}",
            "[1,2,3]",
        };
        for (String s : bad) {
            Page p = Pages.render("circuitscope.attentionPattern", new JsonObject(), JsonParser.parseString(s), PageOptions.webview("n"));
            assertNotNull(Jsoup.parse(p.html()).getElementById("error"), s);
        }
        assertNotNull(Jsoup.parse(Pages.render("circuitscope.ablate", null, null, null).html()).getElementById("error"));
    }
}

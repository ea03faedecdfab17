package org.circuitscope.lsp.viewer;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonParser;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the guard lets through and with which status it refuses the rest, one rule at a time. */
class RequestGuardTest {
    static final ViewerSecret SECRET = new ViewerSecret("s3cr3t_s3cr3t-s3cr3t");
    static final RequestGuard GUARD = new RequestGuard(SECRET, 4711);
    static final String HOST = "127.0.0.1:4711";
    static final String S = "/" + SECRET.value();

    static int status(String method, String host, String path, String query) {
        return GUARD.route(method, host, path, query) instanceof ViewerRoute.Refused r ? r.status() : 200;
    }

    @Test
    void theIndexAndAViewPass() {
        assertEquals(new ViewerRoute.Index(), GUARD.route("GET", HOST, S + "/", null));
        String args = URLEncoder.encode("{\"uri\":\"file:///a b.prompt\",\"layer\":1}", StandardCharsets.UTF_8);
        ViewerRoute r = GUARD.route("HEAD", "localhost:4711", S + "/view/circuitscope.attentionPattern", "args=" + args);
        assertEquals(new ViewerRoute.View("circuitscope.attentionPattern", JsonParser.parseString("{\"uri\":\"file:///a b.prompt\",\"layer\":1}").getAsJsonObject()), r);
    }

    @Test
    void aHostOtherThanThisServersIsForbidden() {
        for (String h : new String[] {"evil.example:4711", "127.0.0.1:4712", "127.0.0.1", "localhost", "[::1]:4711", "127.0.0.1:4711.evil.example", ""}) {
            assertEquals(403, status("GET", h, S + "/", null), h);
        }
        assertEquals(403, status("GET", null, S + "/", null), "no Host at all");
        assertEquals(200, status("GET", "LocalHost:4711", S + "/", null), "host names are case-insensitive");
    }

    @Test
    void onlyGetAndHead() {
        for (String m : new String[] {"POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH", "get"}) assertEquals(405, status(m, HOST, S + "/", null), m);
    }

    @Test
    void aWrongOrMissingSecretIsNotFound() {
        assertEquals(404, status("GET", HOST, "/", null));
        assertEquals(404, status("GET", HOST, "/view/circuitscope.detectHeads", null));
        assertEquals(404, status("GET", HOST, "/s3cr3t_s3cr3t-s3cr3u/", null), "one character off");
        assertEquals(404, status("GET", HOST, "/s3cr3t_s3cr3t-s3cr3/", null), "a prefix");
        assertEquals(404, status("GET", HOST, S + "x/", null), "longer");
    }

    @Test
    void traversalAndEncodedPathsAreNotFound() {
        for (String p : new String[] {S + "/../" + S.substring(1) + "/", S + "/view/../", S + "/view/circuitscope.detectHeads/..", S + "/%2e%2e/",
                S + "/view/%2e%2e%2fetc", S + "%2fview%2fcircuitscope.detectHeads", "/%252e%252e" + S + "/", S + "/view/circuitscope.detectHeads%00",
                S + "/view/circuitscope.%64etectHeads", S + "/view/circuitscope.detectHeads/", S + "//", S + "/view/", S}) {
            assertEquals(404, status("GET", HOST, p, null), p);
        }
    }

    @Test
    void anOversizedQueryIsTooLong() {
        assertEquals(414, status("GET", HOST, S + "/view/circuitscope.detectHeads", "args=" + "a".repeat(RequestGuard.MAX_QUERY)));
        assertEquals(200, status("GET", HOST, S + "/view/circuitscope.detectHeads", "args=%7B%7D" + "&x=" + "a".repeat(RequestGuard.MAX_QUERY - 16)));
    }

    @Test
    void argsThatAreNotOneJsonObjectAreABadRequest() {
        for (String q : new String[] {"args=%5B1%5D", "args=%7Bnot json", "args=%zz", "args=%7B%7D&args=%7B%7D", "args=42"}) {
            assertEquals(400, status("GET", HOST, S + "/view/circuitscope.detectHeads", q), q);
        }
        assertEquals(new ViewerRoute.View("circuitscope.detectHeads", new com.google.gson.JsonObject()),
                GUARD.route("GET", HOST, S + "/view/circuitscope.detectHeads", null), "no args: an empty object, the command names what is missing");
    }

    @Test
    void secretsAreRandomLongAndUrlSafe() {
        ViewerSecret a = ViewerSecret.random(), b = ViewerSecret.random();
        assertNotEquals(a.value(), b.value());
        assertTrue(a.value().matches("[A-Za-z0-9_-]{27,}"), a.value()); // 160 bits in base64url: 27 characters
        assertTrue(a.matches(a.value()));
        assertFalse(a.matches(b.value()));
        assertFalse(a.matches(null));
        assertFalse(a.toString().contains(a.value()), "the secret stays out of logs");
    }
}

package org.circuitscope.lsp;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.circuitscope.lsp.command.CommandRegistry;
import org.circuitscope.lsp.viewer.LoopbackViewer;
import org.circuitscope.lsp.viewer.ViewPages;
import org.circuitscope.lsp.viewer.ViewerSettings;
import org.eclipse.lsp4j.Hover;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loopback viewer of a running language server, attacked over real sockets: wrong or missing
 * secret, foreign Host headers, other methods, traversal in every encoding, oversized queries; each
 * refused with its status while the language server keeps answering hovers. And what is served:
 * loopback only, the security headers, error pages with their status.
 */
class ViewerSecurityTest {
    @TempDir static Path tmp;
    static LspFixture f;
    static String uri;
    static LoopbackViewer viewer;
    static int port;
    static String secret;

    @BeforeAll
    static void start() throws Exception {
        f = new LspFixture(LspFixture.settingsWithModel(TestModels.write(tmp, "sec", 2, true, 64, 5)), List.of("utf-16"));
        uri = f.open("ab ab ab a");
        f.diagnostics(uri, 1);
        viewer = f.server.viewer().running();
        port = viewer.address().getPort();
        secret = URI.create(viewer.indexUrl()).getPath().split("/")[1];
    }

    @AfterAll
    static void stop() throws Exception { f.close(); }

    static Hover hoverOnB() throws Exception {
        return f.remote.getTextDocumentService().hover(new org.eclipse.lsp4j.HoverParams(new org.eclipse.lsp4j.TextDocumentIdentifier(uri),
                new org.eclipse.lsp4j.Position(0, 1))).get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    static String view(String command, String json) {
        return "/" + secret + "/view/" + command + "?args=" + java.net.URLEncoder.encode(json.replace("$URI", uri), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void boundToLoopbackOnly() {
        InetSocketAddress a = viewer.address();
        assertTrue(a.getAddress().isLoopbackAddress(), a.toString());
        assertTrue(viewer.indexUrl().startsWith("http://127.0.0.1:" + port + "/"), viewer.indexUrl());
        assertTrue(secret.length() >= 22, "at least 128 bits in base64url: " + secret.length());
    }

    @Test
    void everyAttackIsRefusedWithItsStatusAndHoversGoOn() throws Exception {
        String host = "127.0.0.1:" + port;
        String good = view("circuitscope.detectHeads", "{\"uri\": \"$URI\"}");
        List<Object[]> attacks = new ArrayList<>(List.of(
                new Object[] {"GET", "/", host, 404},
                new Object[] {"GET", "/view/circuitscope.detectHeads", host, 404},
                new Object[] {"GET", good.replace(secret, secret.substring(1) + "A"), host, 404},
                new Object[] {"GET", good.replace(secret, secret.toUpperCase(java.util.Locale.ROOT)), host, 404},
                new Object[] {"GET", good, "evil.example:" + port, 403},
                new Object[] {"GET", good, "localhost:" + (port + 1), 403},
                new Object[] {"GET", good, null, 403},
                new Object[] {"POST", good, host, 405},
                new Object[] {"PUT", good, host, 405},
                new Object[] {"DELETE", "/" + secret + "/", host, 405},
                new Object[] {"GET", "/" + secret + "/../" + secret + "/", host, 404},
                new Object[] {"GET", "/" + secret + "/view/%2e%2e%2f%2e%2e%2fetc%2fpasswd", host, 404},
                new Object[] {"GET", "/" + secret + "/%2e%2e/", host, 404},
                new Object[] {"GET", "/%252e%252e/" + secret + "/", host, 404},
                new Object[] {"GET", "/" + secret + "/view/%252e%252e%252fcircuitscope.detectHeads", host, 404},
                new Object[] {"GET", "/" + secret + "%2fview%2fcircuitscope.detectHeads", host, 404},
                new Object[] {"GET", "/" + secret + "/view/circuitscope.detectHeads?args=" + "x".repeat(10_000), host, 414}));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            // The attacks run while hovers are asked for: the viewer's threads are not the language server's.
            List<Future<?>> running = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
                for (Object[] a : attacks) {
                    running.add(pool.submit(() -> {
                        RawHttp.Response r = RawHttp.send(port, (String) a[0], (String) a[1], (String) a[2]);
                        assertEquals((int) a[3], r.status(), a[0] + " " + a[1] + " Host: " + a[2] + " → " + r.body());
                        assertFalse(r.body().contains(uri), "a refusal shows nothing of the documents");
                        return null;
                    }));
                }
                assertNotNull(hoverOnB(), "hover during the attacks");
            }
            for (Future<?> x : running) x.get();
        } finally {
            pool.shutdownNow();
        }
        assertNotNull(hoverOnB(), "hover after the attacks");
        assertEquals(200, RawHttp.get(port, good).status(), "and the viewer still serves");
    }

    @Test
    void aPageGoesOutWithTheSecurityHeaders() throws Exception {
        RawHttp.Response r = RawHttp.get(port, view("circuitscope.detectHeads", "{\"uri\": \"$URI\"}"));
        assertEquals(200, r.status(), r.body());
        assertEquals("text/html; charset=utf-8", r.headers().get("content-type"));
        assertEquals("nosniff", r.headers().get("x-content-type-options"));
        assertEquals("no-referrer", r.headers().get("referrer-policy"));
        assertEquals("no-store", r.headers().get("cache-control"));
        String csp = r.headers().get("content-security-policy");
        Matcher m = Pattern.compile("default-src 'none'; style-src 'nonce-([A-Za-z0-9+/=]+)'; script-src 'nonce-\\1'; img-src data:").matcher(csp);
        assertTrue(m.matches(), csp);
        Matcher meta = Pattern.compile("http-equiv=\"Content-Security-Policy\" content=\"([^\"]*)\"").matcher(r.body());
        if (meta.find()) assertEquals(csp, meta.group(1).replace("&#39;", "'"), "the header and the page's meta agree");
        for (Matcher tag = Pattern.compile("<(style|script)\\b([^>]*)>").matcher(r.body()); tag.find(); ) {
            assertTrue(tag.group(2).contains("nonce=\"" + m.group(1) + "\""), "inline " + tag.group(1) + " carries the response's nonce: " + tag.group());
        }
        RawHttp.Response head = RawHttp.send(port, "HEAD", "/" + secret + "/", "localhost:" + port);
        assertEquals(200, head.status());
        assertEquals("", head.body(), "HEAD: headers only");
        assertEquals("nosniff", head.headers().get("x-content-type-options"));
    }

    @Test
    void theIndexListsTheOpenDocumentsWithLinksThatWork() throws Exception {
        RawHttp.Response r = RawHttp.get(port, "/" + secret + "/");
        assertEquals(200, r.status());
        assertTrue(r.body().contains(uri), r.body());
        Matcher link = Pattern.compile("href=\"(http://127\\.0\\.0\\.1:" + port + "/" + secret + "/view/circuitscope\\.attentionPattern\\?args=[^\"]+)\"").matcher(r.body());
        assertTrue(link.find(), "an attention link:\n" + r.body());
        URI u = URI.create(link.group(1).replace("&amp;", "&"));
        RawHttp.Response page = RawHttp.get(port, u.getRawPath() + "?" + u.getRawQuery());
        assertEquals(200, page.status(), page.body());
        assertTrue(page.body().contains("<svg class=\"heatmap\""), "the layer's heatmaps: " + page.body());
    }

    @Test
    void aFailingCommandIsAnErrorPageWithItsStatus() throws Exception {
        RawHttp.Response bad = RawHttp.get(port, view("circuitscope.inspectHead", "{\"uri\": \"$URI\", \"layer\": 9, \"head\": 0}"));
        assertEquals(400, bad.status(), bad.body());
        assertTrue(bad.body().contains("layer"), "the server's message: " + bad.body());
        assertEquals("text/html; charset=utf-8", bad.headers().get("content-type"));
        RawHttp.Response closed = RawHttp.get(port, view("circuitscope.detectHeads", "{\"uri\": \"file:///not/open.prompt\"}"));
        assertEquals(400, closed.status());
        assertTrue(closed.body().contains("not open"), closed.body());
        RawHttp.Response escaped = RawHttp.get(port, view("circuitscope.detectHeads", "{\"uri\": \"file:///<script>alert(1)</script>.prompt\"}"));
        assertFalse(escaped.body().contains("<script>alert"), "the message is text: " + escaped.body());
        assertEquals(404, RawHttp.get(port, view("circuitscope.predict", "{\"uri\": \"$URI\"}")).status(), "predict has no page");
        assertEquals(404, RawHttp.get(port, view("circuitscope.nothing", "{}")).status());
        assertEquals(400, RawHttp.get(port, "/" + secret + "/view/circuitscope.detectHeads?args=%5B%5D").status(), "args not an object");
        assertNotNull(hoverOnB(), "the server answers after failures");
    }

    @Test
    void aCommandPastTheTimeLimitIs504AndTheViewerGoesOn() throws Exception {
        try (LoopbackViewer quick = LoopbackViewer.start(new ViewPages(new CommandRegistry(f.server.promptWorkspace())), f.server.promptWorkspace(),
                Duration.ofMillis(1))) {
            URI u = URI.create(quick.url("circuitscope.attribute", json("{\"uri\": \"$URI\", \"method\": \"integrated-gradients\", \"steps\": 1000, \"position\": {\"line\": 0, \"character\": 9}}")));
            RawHttp.Response r = RawHttp.get(quick.address().getPort(), u.getRawPath() + "?" + u.getRawQuery());
            assertEquals(504, r.status(), r.body());
            assertTrue(r.body().contains("took longer than"), r.body());
        }
        assertNotNull(hoverOnB());
    }

    @Test
    void turningTheSettingOffStopsTheViewerAndOnStartsANewOne() throws Exception {
        try (LspFixture g = new LspFixture(LspFixture.settingsWithModel(TestModels.write(tmp, "off", 1, true, 64, 6)), List.of())) {
            int p = g.server.viewer().running().address().getPort();
            JsonObject off = LspFixture.settingsWithModel(TestModels.write(tmp, "off", 1, true, 64, 6));
            JsonObject v = new JsonObject();
            v.addProperty("enabled", false);
            off.add("viewer", v);
            g.client.configuration = off;
            g.remote.getWorkspaceService().didChangeConfiguration(new org.eclipse.lsp4j.DidChangeConfigurationParams(new JsonObject()));
            long end = System.nanoTime() + 10_000_000_000L;
            while (g.server.viewer().settings().enabled() && System.nanoTime() < end) Thread.sleep(10);
            assertEquals(new ViewerSettings(false, false), g.server.viewer().settings());
            assertThrows(ConnectException.class, () -> RawHttp.get(p, "/"), "nothing listens once it is off");
            assertThrows(IllegalStateException.class, () -> g.server.viewer().running());
        }
    }

    @Test
    void theViewerStopsWithTheServer() throws Exception {
        LspFixture g = new LspFixture(LspFixture.settingsWithModel(TestModels.write(tmp, "stop", 1, true, 64, 8)), List.of());
        int p = g.server.viewer().running().address().getPort();
        assertEquals(404, RawHttp.get(p, "/").status());
        g.close(); // shutdown, exit
        assertThrows(ConnectException.class, () -> RawHttp.get(p, "/"));
    }

    static JsonObject json(String s) { return com.google.gson.JsonParser.parseString(s.replace("$URI", uri)).getAsJsonObject(); }
}

package org.circuitscope.lsp;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.circuitscope.lsp.protocol.CommandIds;
import org.circuitscope.view.Html;
import org.eclipse.lsp4j.CodeLens;
import org.eclipse.lsp4j.CodeLensParams;
import org.eclipse.lsp4j.ExecuteCommandParams;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.ShowDocumentParams;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pictures over LSP, from a real LSP4J client: {@code circuitscope.show} sends
 * {@code window/showDocument} with a viewer URL that a browser (here java.net.http) can load;
 * {@code circuitscope/render} answers a page for a webview; hovers and code lenses link to the
 * viewer for a client without webviews, and keep {@code command:} links for one that says
 * {@code "pictures": "webview"}.
 */
class LspViewerTest {
    static final String BODY = "ab ab ab a";
    @TempDir static Path tmp;
    static Path model;
    static LspFixture browserClient;
    static LspFixture webviewClient;
    static String uri;

    @BeforeAll
    static void start() throws Exception {
        model = TestModels.write(tmp, "view", 2, true, 64, 3);
        browserClient = new LspFixture(LspFixture.settingsWithModel(model), List.of("utf-16"));
        uri = browserClient.open(BODY);
        browserClient.diagnostics(uri, 1);
        JsonObject vscode = LspFixture.settingsWithModel(model);
        vscode.addProperty("pictures", "webview");
        webviewClient = new LspFixture(vscode, List.of("utf-16"));
    }

    @AfterAll
    static void stop() throws Exception {
        browserClient.close();
        webviewClient.close();
    }

    static JsonObject json(String s) { return JsonParser.parseString(s.replace("$URI", uri)).getAsJsonObject(); }

    /** A JSON answer as the client's LSP4J hands it over (maps and lists), as a tree. */
    static JsonObject tree(Object o) { return new com.google.gson.Gson().toJsonTree(o).getAsJsonObject(); }

    static Object execute(LspFixture f, String command, JsonObject arg) throws Exception {
        return f.remote.getWorkspaceService().executeCommand(new ExecuteCommandParams(command, List.of(arg))).get(60, TimeUnit.SECONDS);
    }

    static ResponseErrorException error(Exception e) {
        return assertInstanceOf(ResponseErrorException.class, e instanceof ExecutionException ? e.getCause() : e);
    }

    static HttpResponse<String> fetch(String url) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    static String title(String html) {
        Matcher m = Pattern.compile("<title>(.*?)</title>", Pattern.DOTALL).matcher(html);
        assertTrue(m.find(), "a title in:\n" + html);
        return m.group(1);
    }

    @Test
    void showOpensTheViewersPageInTheBrowser() throws Exception {
        assertTrue(browserClient.init.getCapabilities().getExecuteCommandProvider().getCommands().contains(CommandIds.SHOW));
        int before = browserClient.client.shownDocuments.size();
        JsonObject answer = tree(execute(browserClient, CommandIds.SHOW, json("{\"view\": \"circuitscope.inspectHead\", \"uri\": \"$URI\", \"layer\": 1, \"head\": 0}")));
        String url = answer.get("url").getAsString();
        ShowDocumentParams shown = browserClient.client.shownDocuments.get(before);
        assertEquals(url, shown.getUri());
        assertEquals(Boolean.TRUE, shown.getExternal(), "opened outside the editor");
        assertTrue(url.startsWith("http://127.0.0.1:"), url);

        HttpResponse<String> page = fetch(url);
        assertEquals(200, page.statusCode(), page.body());
        assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElse(""));
        // The same view rendered for a webview names the same title: the page is that view's, not an error page.
        JsonObject rendered = tree(browserClient.request(CommandIds.RENDER,
                json("{\"command\": \"circuitscope.inspectHead\", \"args\": {\"uri\": \"$URI\", \"layer\": 1, \"head\": 0}}")).get(60, TimeUnit.SECONDS));
        assertEquals(Html.escape(rendered.get("title").getAsString()), title(page.body()));
        assertFalse(page.body().contains("class=\"error\""), page.body());
        assertTrue(page.body().contains("L1H0") || page.body().contains("\"label\":\"L1H0\""), "the head's label is on its page");
    }

    @Test
    void showRefusesWhatItCannotOpen() throws Exception {
        Exception e = assertThrows(Exception.class, () -> execute(browserClient, CommandIds.SHOW, json("{\"view\": \"circuitscope.predict\", \"uri\": \"$URI\"}")));
        assertEquals(-32602, error(e).getResponseError().getCode());
        assertTrue(error(e).getResponseError().getMessage().contains("circuitscope.attentionPattern"), "names the views: " + error(e).getMessage());
        e = assertThrows(Exception.class, () -> execute(browserClient, CommandIds.SHOW, json("{\"view\": \"circuitscope.detectHeads\", \"uri\": \"file:///no.prompt\"}")));
        assertEquals(-32602, error(e).getResponseError().getCode());
        e = assertThrows(Exception.class, () -> execute(browserClient, CommandIds.SHOW, json("{\"view\": 3, \"uri\": \"$URI\"}")));
        assertTrue(error(e).getResponseError().getMessage().contains("'view'"), error(e).getMessage());
    }

    @Test
    void showWithoutAViewOpensTheIndex() throws Exception {
        String url = tree(execute(browserClient, CommandIds.SHOW, new JsonObject())).get("url").getAsString();
        assertEquals(browserClient.server.viewer().running().indexUrl(), url);
        assertEquals(url, browserClient.client.shownDocuments.getLast().getUri());
        HttpResponse<String> index = fetch(url);
        assertEquals(200, index.statusCode());
        assertTrue(index.body().contains(Html.escape(uri)), "lists the open prompt:\n" + index.body());
    }

    @Test
    void showWithTheViewerOffExplainsTheSetting() throws Exception {
        JsonObject settings = LspFixture.settingsWithModel(model);
        settings.add("viewer", json("{\"enabled\": false}"));
        try (LspFixture off = new LspFixture(settings, List.of())) {
            String u = off.open(BODY);
            JsonObject arg = json("{\"view\": \"circuitscope.detectHeads\"}");
            arg.addProperty("uri", u);
            Exception e = assertThrows(Exception.class, () -> execute(off, CommandIds.SHOW, arg));
            assertEquals(-32600, error(e).getResponseError().getCode());
            assertTrue(error(e).getResponseError().getMessage().contains("circuitscope.viewer.enabled"), error(e).getMessage());
            assertTrue(off.client.shownDocuments.isEmpty());
        }
    }

    @Test
    void renderPutsTheNonceOnTheInlineStyleAndScript() throws Exception {
        String nonce = "n0nceN0nce123456";
        JsonObject page = tree(browserClient.request(CommandIds.RENDER,
                json("{\"command\": \"circuitscope.attentionPattern\", \"args\": {\"uri\": \"$URI\", \"layer\": 0}, \"nonce\": \"" + nonce + "\"}"))
                .get(60, TimeUnit.SECONDS));
        String html = page.get("html").getAsString();
        assertTrue(html.startsWith("<!DOCTYPE html>"), html);
        assertFalse(page.get("title").getAsString().isBlank());
        Matcher tags = Pattern.compile("<(style|script)\\b([^>]*)>").matcher(html);
        int inline = 0;
        while (tags.find()) {
            inline++;
            assertTrue(tags.group(2).contains("nonce=\"" + nonce + "\""), "carries the editor's nonce: " + tags.group());
        }
        assertEquals(2, inline, "one inline style and one script, both with the nonce");
        assertTrue(html.contains("'nonce-" + nonce + "'") || html.contains("&#39;nonce-" + nonce + "&#39;"), "the policy allows that nonce only");
    }

    @Test
    void renderDrawsAFailureAsAnErrorPageAndRefusesWhatHasNoView() throws Exception {
        JsonObject page = tree(browserClient.request(CommandIds.RENDER,
                json("{\"command\": \"circuitscope.inspectHead\", \"args\": {\"uri\": \"$URI\", \"layer\": 7, \"head\": 0}}")).get(60, TimeUnit.SECONDS));
        assertTrue(page.get("html").getAsString().contains("layer"), "the server's message on the page: " + page);
        for (String bad : new String[] {"{\"command\": \"circuitscope.predict\", \"args\": {\"uri\": \"$URI\"}}",
                "{\"command\": \"circuitscope.nothing\", \"args\": {}}", "{\"command\": \"circuitscope.detectHeads\"}",
                "{\"command\": \"circuitscope.detectHeads\", \"args\": {\"uri\": \"$URI\"}, \"nonce\": \"a\\\"><script>\"}"}) {
            Exception e = assertThrows(Exception.class, () -> browserClient.request(CommandIds.RENDER, json(bad)).get(60, TimeUnit.SECONDS));
            assertEquals(-32602, error(e).getResponseError().getCode(), bad);
        }
    }

    static String hoverMarkdown(LspFixture f, String u) throws Exception {
        var h = f.remote.getTextDocumentService().hover(new HoverParams(new TextDocumentIdentifier(u), new Position(0, 4))).get(30, TimeUnit.SECONDS);
        assertNotNull(h);
        return h.getContents().getRight().getValue();
    }

    @Test
    void aHoverLinksToTheViewerForAClientWithoutWebviews() throws Exception {
        String md = hoverMarkdown(browserClient, uri);
        int port = browserClient.server.viewer().running().address().getPort();
        Matcher link = Pattern.compile("\\[Inspect (L\\d+H\\d+)\\]\\((http://127\\.0\\.0\\.1:" + port + "/[A-Za-z0-9_-]+/view/circuitscope\\.inspectHead\\?args=([^)\\s]+))\\)").matcher(md);
        assertTrue(link.find(), "a viewer link:\n" + md);
        assertFalse(md.contains("command:"), md);
        JsonObject args = JsonParser.parseString(URLDecoder.decode(link.group(3), StandardCharsets.UTF_8)).getAsJsonObject();
        assertEquals(uri, args.get("uri").getAsString());
        assertEquals(link.group(1), "L" + args.get("layer").getAsInt() + "H" + args.get("head").getAsInt(), "the link is the head named");
        HttpResponse<String> page = fetch(link.group(2));
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(md.contains("/view/circuitscope.pathExpansion?args="), md);
    }

    @Test
    void aHoverKeepsCommandLinksForAWebviewClient() throws Exception {
        String u = webviewClient.open(BODY);
        String md = hoverMarkdown(webviewClient, u);
        assertTrue(md.contains("](command:circuitscope.inspectHead?"), md);
        assertFalse(md.contains("http://"), md);
    }

    @Test
    void codeLensesShowTheViewInTheBrowserForAClientWithoutWebviews() throws Exception {
        List<? extends CodeLens> lenses = browserClient.remote.getTextDocumentService().codeLens(new CodeLensParams(new TextDocumentIdentifier(uri)))
                .get(30, TimeUnit.SECONDS);
        List<String> views = lenses.stream().skip(1).map(l -> {
            assertEquals(CommandIds.SHOW, l.getCommand().getCommand());
            JsonObject arg = tree(l.getCommand().getArguments().get(0));
            assertEquals(uri, arg.get("uri").getAsString());
            return arg.get("view").getAsString();
        }).toList();
        assertEquals(List.of(CommandIds.DETECT_HEADS, CommandIds.ATTENTION_PATTERN, CommandIds.PATH_EXPANSION), views);
        // What the editor does with a lens: executes its command with its argument.
        JsonObject arg = tree(lenses.get(2).getCommand().getArguments().get(0));
        JsonObject answer = tree(execute(browserClient, CommandIds.SHOW, arg));
        assertEquals(200, fetch(answer.get("url").getAsString()).statusCode());

        String u = webviewClient.open(BODY);
        webviewClient.diagnostics(u, 1);
        List<String> commands = webviewClient.remote.getTextDocumentService().codeLens(new CodeLensParams(new TextDocumentIdentifier(u)))
                .get(30, TimeUnit.SECONDS).stream().map(l -> l.getCommand().getCommand()).toList();
        assertEquals(List.of("", CommandIds.DETECT_HEADS, CommandIds.ATTENTION_PATTERN, CommandIds.PATH_EXPANSION), commands);
    }
}

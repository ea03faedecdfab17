package org.circuitscope.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.circuitscope.lsp.CircuitscopeServer;
import org.circuitscope.lsp.LoopbackStreams;
import org.circuitscope.lsp.LspLauncher;
import org.circuitscope.lsp.protocol.CommandIds;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.ConfigurationParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.ExecuteCommandParams;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.ShowMessageRequestParams;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real language server over a socket, a real LSP4J client, the shipped gelu-2l model: a
 * prompt with {@code backend: djl} in its front matter and the same prompt on simd give the
 * same hover and the same ablate, paths, lens and attribute results (numbers within float
 * tolerance).
 */
class DjlServerTest {
    private static final Path MODEL = Path.of("../samples/models/gelu-2l").toAbsolutePath().normalize();
    private static final String BODY = "The cat sat on the mat, and the cat sat on the";
    private static LoopbackStreams streams;
    private static LanguageServer remote;
    private static Launcher<LanguageServer> launcher;
    private static final Map<String, PublishDiagnosticsParams> DIAGNOSTICS = new ConcurrentHashMap<>();

    static final class Client implements LanguageClient {
        @Override public void telemetryEvent(Object o) {}
        @Override public void publishDiagnostics(PublishDiagnosticsParams p) { DIAGNOSTICS.put(p.getUri(), p); }
        @Override public void showMessage(MessageParams p) {}
        @Override public CompletableFuture<MessageActionItem> showMessageRequest(ShowMessageRequestParams p) { return CompletableFuture.completedFuture(null); }
        @Override public void logMessage(MessageParams p) {}
        @Override public CompletableFuture<List<Object>> configuration(ConfigurationParams p) {
            List<Object> out = new ArrayList<>();
            p.getItems().forEach(i -> out.add(settings()));
            return CompletableFuture.completedFuture(out);
        }
    }

    static JsonObject settings() {
        JsonObject s = new JsonObject();
        s.addProperty("defaultModel", MODEL.toString());
        return s;
    }

    @BeforeAll
    static void start() throws Exception {
        streams = LoopbackStreams.open();
        LspLauncher.start(streams.serverIn(), streams.serverOut(), new CircuitscopeServer(code -> {}));
        launcher = new Launcher.Builder<LanguageServer>().setLocalService(new Client()).setRemoteInterface(LanguageServer.class)
                .setInput(streams.clientIn()).setOutput(streams.clientOut()).create();
        launcher.startListening();
        remote = launcher.getRemoteProxy();
        InitializeParams p = new InitializeParams();
        p.setCapabilities(new ClientCapabilities());
        p.setInitializationOptions(settings());
        remote.initialize(p).get(30, TimeUnit.SECONDS);
        remote.initialized(new InitializedParams());
    }

    @AfterAll
    static void stop() throws Exception {
        remote.shutdown().get(30, TimeUnit.SECONDS);
        remote.exit();
        streams.close();
    }

    private static String open(String name, String backend) {
        String uri = "file:///tmp/circuitscope-djl-test/" + name + ".prompt";
        String text = "---\ncircuitscope:\n  backend: " + backend + "\n---\n" + BODY;
        remote.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(uri, "prompt", 1, text)));
        return uri;
    }

    @Test
    void hoverAndCommandsAgreeOnDjlAndSimd() throws Exception {
        String simd = open("on-simd", "simd"), djl = open("on-djl", "djl");
        for (int ch : new int[] {4, 20, BODY.length() - 1}) {
            String a = hover(simd, ch), b = hover(djl, ch);
            assertNotNull(a);
            assertSimilar("hover at " + ch, JsonParser.parseString(new Gson().toJson(a)), JsonParser.parseString(new Gson().toJson(b)));
        }
        for (String[] c : new String[][] {
                {CommandIds.ABLATE, "{\"heads\": [\"L0H1\", \"L1H3\"]}"},
                {CommandIds.PATH_EXPANSION, "{\"position\": {\"line\": 4, \"character\": 30}}"},
                {CommandIds.LOGIT_LENS, "{\"position\": {\"line\": 4, \"character\": 30}}"},
                {CommandIds.ATTRIBUTE, "{\"position\": {\"line\": 4, \"character\": 30}}"}}) {
            assertSimilar(c[0], exec(c[0], simd, c[1]), exec(c[0], djl, c[1]));
        }
        PublishDiagnosticsParams d = waitDiagnostics(djl);
        assertTrue(d.getDiagnostics().isEmpty(), "no diagnostic on a prompt that runs on djl: " + d.getDiagnostics());
    }

    private static String hover(String uri, int ch) throws Exception {
        var h = remote.getTextDocumentService().hover(new HoverParams(new TextDocumentIdentifier(uri), new Position(4, ch))).get(120, TimeUnit.SECONDS);
        return h == null ? null : h.getContents().getRight().getValue();
    }

    private static JsonElement exec(String command, String uri, String json) throws Exception {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        o.addProperty("uri", uri);
        Object r = remote.getWorkspaceService().executeCommand(new ExecuteCommandParams(command, List.of(o))).get(120, TimeUnit.SECONDS);
        return new Gson().toJsonTree(r);
    }

    private static PublishDiagnosticsParams waitDiagnostics(String uri) throws InterruptedException {
        for (int i = 0; i < 3000 && !DIAGNOSTICS.containsKey(uri); i++) Thread.sleep(10);
        return DIAGNOSTICS.get(uri);
    }

    private static final Pattern NUMBER = Pattern.compile("-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?");

    /**
     * Equal JSON apart from numbers, which may differ by float rounding: within 1e-3 of the
     * larger magnitude (numbers inside strings, such as a hover's markdown, likewise, up to
     * the last printed digit).
     */
    static void assertSimilar(String what, JsonElement a, JsonElement b) {
        if (a.isJsonObject()) {
            assertEquals(a.getAsJsonObject().keySet(), b.getAsJsonObject().keySet(), what + ": fields");
            for (String k : a.getAsJsonObject().keySet()) {
                if (k.equals("uri")) continue;
                assertSimilar(what + "." + k, a.getAsJsonObject().get(k), b.getAsJsonObject().get(k));
            }
        } else if (a.isJsonArray()) {
            assertEquals(a.getAsJsonArray().size(), b.getAsJsonArray().size(), what + ": length");
            for (int i = 0; i < a.getAsJsonArray().size(); i++) assertSimilar(what + "[" + i + "]", a.getAsJsonArray().get(i), b.getAsJsonArray().get(i));
        } else if (a.isJsonPrimitive() && a.getAsJsonPrimitive().isNumber()) {
            double x = a.getAsDouble(), y = b.getAsDouble();
            assertTrue(Math.abs(x - y) <= 1e-3 * Math.max(1, Math.max(Math.abs(x), Math.abs(y))), what + ": simd " + x + ", djl " + y);
        } else if (a.isJsonPrimitive() && a.getAsJsonPrimitive().isString()) {
            // The two documents' names appear in links; nothing else may differ.
            String s = a.getAsString().replace("on-simd", "on-djl"), t = b.getAsString();
            assertEquals(NUMBER.matcher(s).replaceAll("#"), NUMBER.matcher(t).replaceAll("#"), what + ": text");
            Matcher m1 = NUMBER.matcher(s), m2 = NUMBER.matcher(t);
            while (m1.find() && m2.find()) {
                String p = m1.group(), q = m2.group();
                int decimals = p.contains(".") ? p.length() - p.indexOf('.') - 1 : 0;
                double x = Double.parseDouble(p), y = Double.parseDouble(q);
                assertTrue(Math.abs(x - y) <= Math.pow(10, -decimals) * 1.01 + 1e-3 * Math.abs(x), what + ": simd " + p + ", djl " + q);
            }
        } else {
            assertEquals(a, b, what);
        }
    }
}

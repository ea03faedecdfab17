package org.circuitscope.lsp;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.ConfigurationParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.GeneralClientCapabilities;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.ProgressParams;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.ShowDocumentCapabilities;
import org.eclipse.lsp4j.ShowDocumentParams;
import org.eclipse.lsp4j.ShowDocumentResult;
import org.eclipse.lsp4j.ShowMessageRequestParams;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.WindowClientCapabilities;
import org.eclipse.lsp4j.WorkDoneProgressCreateParams;
import org.eclipse.lsp4j.WorkspaceClientCapabilities;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageServer;

/**
 * A real LSP4J client connected to an in-process server through a loopback socket, so every
 * request and answer goes through JSON-RPC serialisation as with an editor.
 */
final class LspFixture implements AutoCloseable {
    final CircuitscopeServer server;
    /** What the client sees of the server: the standard services plus the custom requests. */
    interface Remote extends LanguageServer, CircuitscopeProtocol {}

    final Remote remote;
    final Launcher<Remote> clientLauncher;
    final Client client = new Client();
    final InitializeResult init;
    final List<Integer> exitCodes = new CopyOnWriteArrayList<>();
    private final AtomicInteger docs = new AtomicInteger();
    private final LoopbackStreams streams = LoopbackStreams.open();

    /** The client side: records what the server sends and answers workspace/configuration and window/showDocument. */
    static final class Client implements LanguageClient {
        final Map<String, PublishDiagnosticsParams> diagnostics = new ConcurrentHashMap<>();
        final List<MessageParams> messages = new CopyOnWriteArrayList<>();
        final List<ProgressParams> progress = new CopyOnWriteArrayList<>();
        final List<ShowDocumentParams> shownDocuments = new CopyOnWriteArrayList<>();
        volatile JsonObject configuration = new JsonObject();

        @Override public void telemetryEvent(Object o) {}
        @Override public void publishDiagnostics(PublishDiagnosticsParams p) { diagnostics.put(p.getUri(), p); }
        @Override public void showMessage(MessageParams p) { messages.add(p); }
        @Override public CompletableFuture<MessageActionItem> showMessageRequest(ShowMessageRequestParams p) { return CompletableFuture.completedFuture(null); }
        @Override public void logMessage(MessageParams p) {}
        @Override public CompletableFuture<List<Object>> configuration(ConfigurationParams p) {
            List<Object> out = new ArrayList<>();
            p.getItems().forEach(i -> out.add(configuration));
            return CompletableFuture.completedFuture(out);
        }
        @Override public CompletableFuture<Void> createProgress(WorkDoneProgressCreateParams p) { return CompletableFuture.completedFuture(null); }
        @Override public void notifyProgress(ProgressParams p) { progress.add(p); }
        @Override public CompletableFuture<ShowDocumentResult> showDocument(ShowDocumentParams p) {
            shownDocuments.add(p);
            return CompletableFuture.completedFuture(new ShowDocumentResult(true));
        }
        @Override public CompletableFuture<Void> refreshInlayHints() { return CompletableFuture.completedFuture(null); }
        @Override public CompletableFuture<Void> refreshSemanticTokens() { return CompletableFuture.completedFuture(null); }
        @Override public CompletableFuture<Void> refreshCodeLenses() { return CompletableFuture.completedFuture(null); }
    }

    LspFixture(JsonObject settings, List<String> positionEncodings) throws Exception {
        server = new CircuitscopeServer(exitCodes::add);
        LspLauncher.start(streams.serverIn(), streams.serverOut(), server);
        client.configuration = settings;
        clientLauncher = new Launcher.Builder<Remote>().setLocalService(client).setRemoteInterface(Remote.class)
                .setInput(streams.clientIn()).setOutput(streams.clientOut()).create();
        clientLauncher.startListening();
        remote = clientLauncher.getRemoteProxy();
        InitializeParams p = new InitializeParams();
        p.setProcessId((int) ProcessHandle.current().pid());
        ClientCapabilities caps = new ClientCapabilities();
        GeneralClientCapabilities g = new GeneralClientCapabilities();
        g.setPositionEncodings(positionEncodings);
        caps.setGeneral(g);
        WorkspaceClientCapabilities w = new WorkspaceClientCapabilities();
        w.setConfiguration(true);
        caps.setWorkspace(w);
        WindowClientCapabilities win = new WindowClientCapabilities();
        win.setWorkDoneProgress(true);
        win.setShowDocument(new ShowDocumentCapabilities(true));
        caps.setWindow(win);
        p.setCapabilities(caps);
        p.setInitializationOptions(settings);
        init = remote.initialize(p).get(10, TimeUnit.SECONDS);
        remote.initialized(new InitializedParams());
    }

    static JsonObject settingsWithModel(java.nio.file.Path model) {
        JsonObject s = new JsonObject();
        s.addProperty("defaultModel", model.toString());
        return s;
    }

    /** Opens a document with a fresh uri and returns the uri. */
    String open(String text) {
        String uri = "file:///tmp/circuitscope-test/doc" + docs.incrementAndGet() + ".prompt";
        remote.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(uri, "prompt", 1, text)));
        return uri;
    }

    /** A custom request {@code circuitscope/<name>} with a JSON object. */
    CompletableFuture<Object> request(String method, JsonElement params) {
        return clientLauncher.getRemoteEndpoint().request(method, params);
    }

    /** Diagnostics of a document version, waiting for them to be published. */
    PublishDiagnosticsParams diagnostics(String uri, int version) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < end) {
            PublishDiagnosticsParams d = client.diagnostics.get(uri);
            if (d != null && d.getVersion() != null && d.getVersion() == version) return d;
            Thread.sleep(10);
        }
        throw new AssertionError("no diagnostics published for " + uri + " version " + version);
    }

    @Override
    public void close() throws IOException {
        try {
            remote.shutdown().get(10, TimeUnit.SECONDS);
            remote.exit();
        } catch (Exception e) {
            throw new IOException(e);
        } finally {
            streams.close();
        }
    }
}

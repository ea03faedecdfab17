package org.circuitscope.lsp;

import com.google.gson.JsonElement;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.circuitscope.engine.Analysis;
import org.circuitscope.engine.DocumentScans;
import org.circuitscope.engine.LineIndex;
import org.circuitscope.engine.PositionEncoding;
import org.circuitscope.engine.PromptWorkspace;
import org.circuitscope.engine.TrackedWork;
import org.circuitscope.engine.Settings;
import org.circuitscope.lsp.command.CommandRegistry;
import org.circuitscope.lsp.feature.DiagnosticsFeature;
import org.circuitscope.lsp.feature.DocumentStatusFeature;
import org.circuitscope.lsp.feature.HoverFeature;
import org.circuitscope.lsp.feature.SemanticTokensFeature;
import org.circuitscope.lsp.protocol.CommandIds;
import org.circuitscope.lsp.viewer.RenderRequest;
import org.circuitscope.lsp.viewer.ShowCommand;
import org.circuitscope.lsp.viewer.ViewPages;
import org.circuitscope.lsp.viewer.Viewer;
import org.circuitscope.lsp.viewer.ViewerSettings;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.CodeLensOptions;
import org.eclipse.lsp4j.CompletionOptions;
import org.eclipse.lsp4j.ConfigurationItem;
import org.eclipse.lsp4j.ConfigurationParams;
import org.eclipse.lsp4j.ExecuteCommandOptions;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.ProgressParams;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.SemanticTokensWithRegistrationOptions;
import org.eclipse.lsp4j.ServerCapabilities;
import org.eclipse.lsp4j.ServerInfo;
import org.eclipse.lsp4j.ShowDocumentParams;
import org.eclipse.lsp4j.TextDocumentSyncKind;
import org.eclipse.lsp4j.WorkDoneProgressBegin;
import org.eclipse.lsp4j.WorkDoneProgressCreateParams;
import org.eclipse.lsp4j.WorkDoneProgressEnd;
import org.eclipse.lsp4j.WorkDoneProgressReport;
import org.eclipse.lsp4j.WorkspaceFolder;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageClientAware;
import org.eclipse.lsp4j.services.LanguageServer;
import org.eclipse.lsp4j.services.TextDocumentService;
import org.eclipse.lsp4j.services.WorkspaceService;

/**
 * The protocol glue: capabilities, lifecycle (initialize, shutdown, exit, the client's process
 * id), settings, progress, diagnostics, the custom requests {@code circuitscope/<name>}, and the
 * picture viewer's lifetime. Everything else is delegated to the services, the feature classes and
 * the viewer package.
 */
public final class CircuitscopeServer implements LanguageServer, LanguageClientAware, CircuitscopeProtocol {
    private static final Logger LOG = Logger.getLogger(CircuitscopeServer.class.getName());
    public static final String LANGUAGE_ID = "prompt";

    private final IntConsumer exit;
    private final PromptWorkspace ws;
    private final CommandRegistry commands;
    private final PromptDocumentService documents;
    private final PromptWorkspaceService workspace;
    private final Viewer viewer;
    private final RenderRequest render;
    private final ShowCommand show;
    private final AtomicInteger progressIds = new AtomicInteger();
    private final Map<String, String> shownMessages = new ConcurrentHashMap<>();
    private volatile LanguageClient client;
    private volatile ClientCapabilities caps = new ClientCapabilities();
    private volatile boolean shutdown;

    /** {@code exit} ends the process (or, in tests, records the code). */
    public CircuitscopeServer(IntConsumer exit) {
        this.exit = exit;
        this.ws = new PromptWorkspace(new PromptWorkspace.Listener() {
            @Override public void analysed(Analysis a) { publish(a); }
            @Override public AutoCloseable progress(String title) { return startProgress(title); }
            @Override public TrackedWork track(String title) { return startProgress(title); }
        });
        this.commands = new CommandRegistry(ws);
        ViewPages pages = new ViewPages(commands);
        this.viewer = new Viewer(pages, ws, Viewer.TIMEOUT);
        this.render = new RenderRequest(pages);
        this.show = new ShowCommand(viewer, ws, this::showDocument);
        this.documents = new PromptDocumentService(ws, viewer::links);
        this.workspace = new PromptWorkspaceService(this::execute, this::applySettings, this::pullSettings);
    }

    /** A command by id: {@code circuitscope.show} opens a picture, the others answer reports. */
    private CompletableFuture<Object> execute(String id, JsonElement argument) {
        return CommandIds.SHOW.equals(id) ? show.execute(argument) : commands.execute(id, argument);
    }

    /** The server's loopback picture viewer (for tests: its address and URLs). */
    public Viewer viewer() { return viewer; }

    /** Asks the client to open a viewer URL in the browser; a client that cannot is told the URL. */
    private void showDocument(String url) {
        LanguageClient c = client;
        if (c == null) return;
        if (caps.getWindow() != null && caps.getWindow().getShowDocument() != null && caps.getWindow().getShowDocument().isSupport()) {
            ShowDocumentParams p = new ShowDocumentParams(url);
            p.setExternal(true);
            c.showDocument(p).exceptionally(e -> {
                LOG.log(Level.WARNING, "window/showDocument failed", e);
                return null;
            });
        } else {
            c.showMessage(new MessageParams(MessageType.Info, "circuitscope: open " + url));
        }
    }

    public PromptWorkspace promptWorkspace() { return ws; }

    @Override
    public void connect(LanguageClient c) { this.client = c; }

    @Override
    public CompletableFuture<InitializeResult> initialize(InitializeParams params) {
        caps = params.getCapabilities() == null ? new ClientCapabilities() : params.getCapabilities();
        List<String> offered = caps.getGeneral() == null ? null : caps.getGeneral().getPositionEncodings();
        PositionEncoding enc = PositionEncoding.negotiate(offered);
        ws.setEncoding(enc);
        ws.setRoots(roots(params));
        if (params.getInitializationOptions() instanceof JsonElement j) {
            ws.setSettings(ws.settings().with(j));
            viewer.configure(j);
        }
        if (params.getProcessId() != null) watchParent(params.getProcessId());
        ws.warmUp((run, offset) -> HoverFeature.hover(run, offset, new LineIndex(run.doc().text(), PositionEncoding.UTF16), ws.settings(),
                org.circuitscope.engine.Cancel.NEVER));

        ServerCapabilities sc = new ServerCapabilities();
        sc.setPositionEncoding(enc.kind());
        sc.setTextDocumentSync(TextDocumentSyncKind.Incremental);
        sc.setHoverProvider(true);
        sc.setInlayHintProvider(true);
        sc.setCodeLensProvider(new CodeLensOptions(false));
        sc.setCompletionProvider(new CompletionOptions(false, List.of()));
        sc.setSemanticTokensProvider(new SemanticTokensWithRegistrationOptions(SemanticTokensFeature.legend(), true));
        List<String> ids = new ArrayList<>(commands.ids());
        ids.add(CommandIds.SHOW);
        sc.setExecuteCommandProvider(new ExecuteCommandOptions(ids));
        LOG.info(() -> "initialized for " + (params.getClientInfo() == null ? "an unnamed client" : params.getClientInfo().getName())
                + ", positions in " + enc.kind());
        return CompletableFuture.completedFuture(new InitializeResult(sc, new ServerInfo("circuitscope", "0.1.0")));
    }

    private static List<Path> roots(InitializeParams p) {
        List<Path> out = new ArrayList<>();
        if (p.getWorkspaceFolders() != null) {
            for (WorkspaceFolder f : p.getWorkspaceFolders()) addFileUri(out, f.getUri());
        }
        if (out.isEmpty() && p.getRootUri() != null) addFileUri(out, p.getRootUri());
        return out;
    }

    private static void addFileUri(List<Path> out, String uri) {
        try {
            URI u = URI.create(uri);
            if ("file".equals(u.getScheme())) out.add(Path.of(u));
        } catch (RuntimeException e) {
            LOG.warning(() -> "ignoring workspace folder " + uri + ": " + e.getMessage());
        }
    }

    /** Exits when the client's process is gone (a crashed editor must not leave servers behind). */
    private void watchParent(int pid) {
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                if (!alive) {
                    LOG.info(() -> "client process " + pid + " is gone; exiting");
                    exit.accept(1);
                    return;
                }
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "circuitscope-parent-watch");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void initialized(InitializedParams params) { pullSettings(); }

    /** Asks the client for the {@code circuitscope} section when it can answer {@code workspace/configuration}. */
    void pullSettings() {
        LanguageClient c = client;
        if (c == null || caps.getWorkspace() == null || !Boolean.TRUE.equals(caps.getWorkspace().getConfiguration())) return;
        ConfigurationItem item = new ConfigurationItem();
        item.setSection(Settings.SECTION);
        c.configuration(new ConfigurationParams(List.of(item))).thenAccept(list -> {
            if (list != null && !list.isEmpty() && list.get(0) instanceof JsonElement j) applySettings(j);
        }).exceptionally(e -> {
            LOG.log(Level.WARNING, "workspace/configuration failed", e);
            return null;
        });
    }

    void applySettings(JsonElement j) {
        Settings before = ws.settings();
        ViewerSettings viewerBefore = viewer.settings();
        ws.setSettings(before.with(j));
        viewer.configure(j);
        if (!before.equals(ws.settings()) || !viewerBefore.equals(viewer.settings())) {
            LOG.info(() -> "settings: " + ws.settings() + ", " + viewer.settings());
            refreshViews();
        }
    }

    private void refreshViews() {
        LanguageClient c = client;
        if (c == null || caps.getWorkspace() == null) return;
        var w = caps.getWorkspace();
        if (w.getInlayHint() != null && Boolean.TRUE.equals(w.getInlayHint().getRefreshSupport())) c.refreshInlayHints();
        if (w.getSemanticTokens() != null && Boolean.TRUE.equals(w.getSemanticTokens().getRefreshSupport())) c.refreshSemanticTokens();
        if (w.getCodeLens() != null && Boolean.TRUE.equals(w.getCodeLens().getRefreshSupport())) c.refreshCodeLenses();
    }

    private void publish(Analysis a) {
        LanguageClient c = client;
        if (c == null) return;
        LineIndex idx = new LineIndex(a.doc().text(), ws.encoding());
        List<org.eclipse.lsp4j.Diagnostic> diagnostics = new ArrayList<>(DiagnosticsFeature.diagnostics(a, idx, ws.settings()));
        if (a.run() != null) {
            try {
                ws.scan(a.doc(), a.run().model().config()); // read once, then cached until the scan changes
            } catch (DocumentScans.ScanProblem p) {
                if (p.fromFrontMatter()) diagnostics.add(DiagnosticsFeature.scanProblem(a, idx, p.getMessage()));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "checking the corpus scan of " + a.doc().uri() + " failed", e);
            }
        }
        c.publishDiagnostics(new PublishDiagnosticsParams(a.doc().uri(), diagnostics, a.doc().version()));
        if (a.problem() != null) {
            // Once per problem: a user must act (choose or fix the model); repeating it on every keystroke would not help.
            String msg = a.problem().getMessage();
            if (!msg.equals(shownMessages.put(a.doc().uri(), msg))) c.showMessage(new MessageParams(MessageType.Error, "circuitscope: " + msg));
        } else {
            shownMessages.remove(a.doc().uri());
        }
        refreshViews();
    }

    /**
     * {@code $/progress} begin, percentage reports (when the share done moves by a whole per cent)
     * and end, when the client supports it; else a log line.
     */
    private TrackedWork startProgress(String title) {
        LanguageClient c = client;
        LOG.info(title);
        TrackedWork none = TrackedWork.of(() -> {});
        if (c == null || caps.getWindow() == null || !Boolean.TRUE.equals(caps.getWindow().getWorkDoneProgress())) return none;
        Either<String, Integer> token = Either.forLeft("circuitscope-" + progressIds.incrementAndGet());
        try {
            c.createProgress(new WorkDoneProgressCreateParams(token)).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(Level.FINE, "client refused a progress token", e);
            return none;
        }
        WorkDoneProgressBegin begin = new WorkDoneProgressBegin();
        begin.setTitle(title);
        begin.setCancellable(false);
        begin.setPercentage(0);
        c.notifyProgress(new ProgressParams(token, Either.forLeft(begin)));
        return new TrackedWork() {
            private int percent;

            @Override
            public void advance(int done, int total) {
                int p = (int) Math.min(100, 100L * done / Math.max(1, total));
                if (p <= percent) return;
                percent = p;
                WorkDoneProgressReport report = new WorkDoneProgressReport();
                report.setPercentage(p);
                c.notifyProgress(new ProgressParams(token, Either.forLeft(report)));
            }

            @Override
            public void close() {
                c.notifyProgress(new ProgressParams(token, Either.forLeft(new WorkDoneProgressEnd())));
            }
        };
    }

    @Override
    public CompletableFuture<Object> shutdown() {
        shutdown = true;
        viewer.close();
        ws.close();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void exit() {
        viewer.close();
        exit.accept(shutdown ? 0 : 1);
    }

    @Override
    public TextDocumentService getTextDocumentService() { return documents; }

    @Override
    public WorkspaceService getWorkspaceService() { return workspace; }

    @Override
    public void setTrace(org.eclipse.lsp4j.SetTraceParams params) {
        // Tracing is LSP4J's own message log; nothing of ours to change.
    }

    // Custom requests: the commands, reachable without executeCommand (clients that draw webviews call these).

    @Override
    public CompletableFuture<Object> inspectHead(JsonElement params) { return commands.execute(CommandIds.INSPECT_HEAD, params); }

    @Override
    public CompletableFuture<Object> attentionPattern(JsonElement params) { return commands.execute(CommandIds.ATTENTION_PATTERN, params); }

    @Override
    public CompletableFuture<Object> termImportance(JsonElement params) { return commands.execute(CommandIds.TERM_IMPORTANCE, params); }

    @Override
    public CompletableFuture<Object> featureCard(JsonElement params) { return commands.execute(CommandIds.FEATURE_CARD, params); }
    public CompletableFuture<Object> scanExamples(JsonElement params) { return commands.execute(CommandIds.SCAN_EXAMPLES, params); }

    @Override
    public CompletableFuture<Object> pathExpansion(JsonElement params) { return commands.execute(CommandIds.PATH_EXPANSION, params); }

    @Override
    public CompletableFuture<Object> attribute(JsonElement params) { return commands.execute(CommandIds.ATTRIBUTE, params); }

    @Override
    public CompletableFuture<Object> ablate(JsonElement params) { return commands.execute(CommandIds.ABLATE, params); }

    @Override
    public CompletableFuture<Object> detectHeads(JsonElement params) { return commands.execute(CommandIds.DETECT_HEADS, params); }

    @Override
    public CompletableFuture<Object> logitLens(JsonElement params) { return commands.execute(CommandIds.LOGIT_LENS, params); }

    @Override
    public CompletableFuture<Object> predict(JsonElement params) { return commands.execute(CommandIds.PREDICT, params); }

    @Override
    public CompletableFuture<Object> render(JsonElement params) { return render.render(params); }

    @Override
    public CompletableFuture<Object> show(JsonElement params) { return show.execute(params); }

    @Override
    public CompletableFuture<DocumentStatusFeature.DocumentStatus> documentStatus(JsonElement params) { return DocumentStatusFeature.status(ws, params); }
}

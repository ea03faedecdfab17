package org.circuitscope.lsp.viewer;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.logging.Logger;
import org.circuitscope.engine.PromptWorkspace;
import org.circuitscope.engine.WorkerThreads;

/**
 * The HTTP viewer: the JDK's server on 127.0.0.1 and a free port, one secret per server, a few
 * handler threads (the accepting thread never runs a command). See {@link RequestGuard} for what
 * is refused and {@link ViewerHandler} for what is served.
 */
public final class LoopbackViewer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LoopbackViewer.class.getName());
    private static final int HANDLER_THREADS = 4;

    private final HttpServer http;
    private final ExecutorService handlers;
    private final ViewerSecret secret = ViewerSecret.random();
    private final String base;

    private LoopbackViewer(ViewPages pages, PromptWorkspace ws, Duration timeout) throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        int port = http.getAddress().getPort();
        base = "http://127.0.0.1:" + port + "/" + secret.value() + "/";
        handlers = WorkerThreads.pool("circuitscope-viewer", HANDLER_THREADS);
        http.setExecutor(handlers);
        http.createContext("/", new ViewerHandler(new RequestGuard(secret, port), pages, new ViewerIndex(ws), this::url, timeout));
        http.start();
    }

    /** Starts a viewer whose commands give up after {@code timeout}. */
    public static LoopbackViewer start(ViewPages pages, PromptWorkspace ws, Duration timeout) throws IOException {
        LoopbackViewer v = new LoopbackViewer(pages, ws, timeout);
        LOG.info(() -> "picture viewer on 127.0.0.1:" + v.address().getPort());
        return v;
    }

    public InetSocketAddress address() { return http.getAddress(); }

    /** The index of the open documents. */
    public String indexUrl() { return base; }

    /** The page of the view {@code command} with {@code args}. */
    public String url(String command, JsonObject args) {
        return base + "view/" + command + "?args=" + URLEncoder.encode(args.toString(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        http.stop(0);
        handlers.shutdownNow();
        LOG.info("picture viewer stopped");
    }
}

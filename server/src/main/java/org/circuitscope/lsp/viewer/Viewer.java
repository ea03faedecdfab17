package org.circuitscope.lsp.viewer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.circuitscope.engine.PromptWorkspace;
import org.circuitscope.lsp.protocol.CommandIds;
import org.circuitscope.lsp.protocol.ViewLinks;
import org.eclipse.lsp4j.Command;

/**
 * The language server's viewer: started on first use while the setting allows it, stopped when
 * the setting turns it off and when the server shuts down; and the links hovers and lenses get.
 */
public final class Viewer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Viewer.class.getName());
    /** Long enough for integrated gradients over a long prompt; a browser tab waits that long anyway. */
    public static final Duration TIMEOUT = Duration.ofSeconds(120);

    private final ViewPages pages;
    private final PromptWorkspace ws;
    private final Duration timeout;
    private volatile ViewerSettings settings = ViewerSettings.defaults();
    private LoopbackViewer running; // guarded by this
    private boolean closed; // guarded by this

    public Viewer(ViewPages pages, PromptWorkspace ws, Duration timeout) {
        this.pages = pages;
        this.ws = ws;
        this.timeout = timeout;
    }

    public ViewPages pages() { return pages; }

    public ViewerSettings settings() { return settings; }

    /** Applies settings or initialization options; turning the viewer off stops it. */
    public void configure(JsonElement json) {
        settings = settings.with(json);
        if (!settings.enabled()) stop();
    }

    /** The running viewer, started now if need be; IllegalStateException when it is off or the server has shut down. */
    public synchronized LoopbackViewer running() throws IOException {
        if (closed) throw new IllegalStateException("the server is shutting down");
        if (!settings.enabled()) throw new IllegalStateException("the picture viewer is off (setting circuitscope.viewer.enabled)");
        if (running == null) running = LoopbackViewer.start(pages, ws, timeout);
        return running;
    }

    /**
     * The links for this client: {@code command:} URIs for a client that draws in webviews or while
     * the viewer is off; else viewer URLs for hovers and {@code circuitscope.show} for lenses.
     */
    public ViewLinks links() {
        ViewerSettings s = settings;
        return s.webviewPictures() || !s.enabled() ? ViewLinks.COMMANDS : browserLinks;
    }

    private final ViewLinks browserLinks = new ViewLinks() {
        @Override
        public String href(String command, JsonObject args) {
            try {
                return running().url(command, args);
            } catch (IOException | IllegalStateException e) {
                LOG.log(Level.WARNING, "no picture viewer; the link stays a command", e);
                return ViewLinks.COMMANDS.href(command, args);
            }
        }

        @Override
        public Command lens(String title, String command, JsonObject args) {
            JsonObject show = args.deepCopy();
            show.addProperty("view", command);
            return ViewLinks.COMMANDS.lens(title, CommandIds.SHOW, show);
        }
    };

    private synchronized void stop() {
        if (running != null) running.close();
        running = null;
    }

    @Override
    public synchronized void close() {
        closed = true;
        stop();
    }

    /** The viewer's URL of a view, starting the viewer if need be. */
    public String url(String command, JsonObject args) throws IOException { return running().url(command, args); }
}

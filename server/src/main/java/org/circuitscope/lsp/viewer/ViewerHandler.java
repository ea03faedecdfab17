package org.circuitscope.lsp.viewer;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.circuitscope.view.Page;
import org.circuitscope.view.PageOptions;

/**
 * Serves one viewer request: refused ones get a short plain-text answer; a view runs its command
 * on the server's pools and waits at most the time limit (then 504 and the work is cancelled);
 * every page goes out with a strict policy in the headers. A failing command is an error page
 * with status 400 (bad arguments) or 500 (see {@link ViewResult}); nothing here can stop the server.
 */
final class ViewerHandler implements HttpHandler {
    private static final Logger LOG = Logger.getLogger(ViewerHandler.class.getName());

    private final RequestGuard guard;
    private final ViewPages pages;
    private final ViewerIndex index;
    private final PageOptions.LinkTarget links;
    private final Duration timeout;

    ViewerHandler(RequestGuard guard, ViewPages pages, ViewerIndex index, PageOptions.LinkTarget links, Duration timeout) {
        this.guard = guard;
        this.pages = pages;
        this.index = index;
        this.links = links;
        this.timeout = timeout;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            ex.getRequestBody().close();
            ViewerRoute route = guard.route(ex.getRequestMethod(), ex.getRequestHeaders().getFirst("Host"),
                    ex.getRequestURI().getRawPath(), ex.getRequestURI().getRawQuery());
            String nonce = ContentSecurityPolicy.nonce();
            switch (route) {
                case ViewerRoute.Refused r -> refuse(ex, r);
                case ViewerRoute.Index i -> send(ex, 200, IndexPage.render(index.entries(timeout.toMillis()), pages, links, nonce), nonce);
                case ViewerRoute.View v -> {
                    ViewResult result = view(v, new PageOptions(nonce, links));
                    send(ex, result.status(), result.page(), nonce);
                }
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "a viewer client went away", e);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the viewer failed to answer", e);
        }
    }

    private ViewResult view(ViewerRoute.View v, PageOptions options) {
        CompletableFuture<ViewResult> work = pages.render(v.command(), v.args(), options);
        try {
            return work.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            work.cancel(true);
            return new ViewResult(ViewPages.error(v.command(), v.command() + " took longer than " + timeout.toSeconds() + " s", options), 504);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ViewResult(ViewPages.error(v.command(), "the viewer is stopping", options), 503);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "a view failed", e);
            return new ViewResult(ViewPages.error(v.command(), v.command() + " failed; the server's log says why", options), 500);
        }
    }

    private static void refuse(HttpExchange ex, ViewerRoute.Refused r) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        if (r.status() == 405) ex.getResponseHeaders().set("Allow", "GET, HEAD");
        common(ex);
        body(ex, r.status(), (r.status() + " " + r.reason() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, Page page, String nonce) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        ex.getResponseHeaders().set("Content-Security-Policy", ContentSecurityPolicy.of(page.html(), nonce));
        common(ex);
        body(ex, status, page.html().getBytes(StandardCharsets.UTF_8));
    }

    private static void common(HttpExchange ex) {
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
    }

    /** The body; a HEAD request gets the headers only. */
    private static void body(HttpExchange ex, int status, byte[] bytes) throws IOException {
        if ("HEAD".equals(ex.getRequestMethod())) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}

package org.circuitscope.intellij.view;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;

/**
 * Which URLs the tool window shows: the server's viewer listens on the loopback interface only, so an http URL to a
 * loopback host is one of its pages; anything else (a web link in a hover) goes to the browser as LSP4IJ opens it.
 */
public final class ViewerUrls {
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]", "::1");

    private ViewerUrls() {}

    public static boolean isViewerPage(String url) {
        if (url == null) return false;
        try {
            URI u = new URI(url);
            return "http".equalsIgnoreCase(u.getScheme()) && u.getHost() != null && LOOPBACK.contains(u.getHost().toLowerCase(java.util.Locale.ROOT))
                    && u.getPort() > 0;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}

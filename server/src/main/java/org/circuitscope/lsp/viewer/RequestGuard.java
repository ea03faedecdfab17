package org.circuitscope.lsp.viewer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides what a viewer request may do, before any work, from its method, Host header, raw path
 * and raw query. In this order: a Host other than this server's (a DNS-rebinding page whose name
 * now points to 127.0.0.1) 403; a method other than GET or HEAD 405; a query over
 * {@link #MAX_QUERY} characters 414; a path that is not exactly {@code /<secret>/} or
 * {@code /<secret>/view/<command id>}, or the wrong secret, 404. The path is matched undecoded
 * against a closed alphabet, so {@code ..}, {@code %2e%2e}, encoded slashes and double encoding
 * never reach a decoder. A view whose {@code args} is not one URL-encoded JSON object is 400.
 */
final class RequestGuard {
    /** Longer queries are refused: a view's arguments are a few hundred characters. */
    static final int MAX_QUERY = 8 * 1024;
    private static final Pattern PATH = Pattern.compile("/([A-Za-z0-9_-]{1,64})/(?:view/(circuitscope\\.[A-Za-z]{1,64}))?");

    private final ViewerSecret secret;
    private final int port;

    RequestGuard(ViewerSecret secret, int port) {
        this.secret = secret;
        this.port = port;
    }

    ViewerRoute route(String method, String host, String rawPath, String rawQuery) {
        if (host == null || !allowedHost(host.trim().toLowerCase(Locale.ROOT))) return new ViewerRoute.Refused(403, "this viewer answers only to 127.0.0.1:" + port);
        if (!"GET".equals(method) && !"HEAD".equals(method)) return new ViewerRoute.Refused(405, "only GET and HEAD");
        if (rawQuery != null && rawQuery.length() > MAX_QUERY) return new ViewerRoute.Refused(414, "the query is over " + MAX_QUERY + " characters");
        Matcher m = PATH.matcher(rawPath == null ? "" : rawPath);
        if (!m.matches() || !secret.matches(m.group(1))) return new ViewerRoute.Refused(404, "not found");
        if (m.group(2) == null) return new ViewerRoute.Index();
        try {
            return new ViewerRoute.View(m.group(2), args(rawQuery));
        } catch (BadQuery e) {
            return new ViewerRoute.Refused(400, e.getMessage());
        }
    }

    private boolean allowedHost(String host) {
        return host.equals("127.0.0.1:" + port) || host.equals("localhost:" + port);
    }

    /** The {@code args} parameter as a JSON object ({} when absent); anything else is a {@link BadQuery}. */
    static JsonObject args(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) return new JsonObject();
        String value = null;
        for (String pair : rawQuery.split("&")) {
            if (pair.startsWith("args=")) {
                if (value != null) throw new BadQuery("'args' is given twice");
                value = pair.substring(5);
            }
        }
        if (value == null) return new JsonObject();
        try {
            JsonElement e = JsonParser.parseString(URLDecoder.decode(value, StandardCharsets.UTF_8));
            if (!e.isJsonObject()) throw new BadQuery("'args' must be a JSON object");
            return e.getAsJsonObject();
        } catch (JsonParseException | IllegalArgumentException e) {
            throw e instanceof BadQuery b ? b : new BadQuery("'args' is not URL-encoded JSON");
        }
    }

    /** A query whose {@code args} cannot be read. */
    static final class BadQuery extends IllegalArgumentException {
        BadQuery(String message) { super(message); }
    }
}

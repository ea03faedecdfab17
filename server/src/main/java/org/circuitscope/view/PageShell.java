package org.circuitscope.view;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * The document around a view's body: the strict content security policy (nothing loads from
 * anywhere; only the nonce'd inline style and script run), the stylesheet, the tooltip box and
 * the script.
 */
final class PageShell {
    private PageShell() {}

    private static final SecureRandom RANDOM = new SecureRandom();

    static String csp(String nonce) {
        return "default-src 'none'; style-src 'nonce-" + nonce + "'; script-src 'nonce-" + nonce + "'; img-src data:";
    }

    static String html(PageOptions options, String title, String body) {
        String nonce = nonce(options);
        boolean webview = options != null && options.links() == null;
        String n = Html.escape(nonce);
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                + "<meta http-equiv=\"Content-Security-Policy\" content=\"" + Html.escape(csp(nonce)) + "\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1.0\">\n"
                + "<title>" + Html.escape(title) + "</title>\n<style nonce=\"" + n + "\">" + Style.CSS + "</style></head>\n"
                + "<body data-view=\"" + Html.escape(title) + "\">" + body + "<div id=\"tip\" role=\"tooltip\"></div>\n"
                + "<script nonce=\"" + n + "\">" + Script.TOOLTIP + (webview ? Script.POST_LINKS : "") + "</script></body></html>\n";
    }

    /** The editor's nonce, or a fresh random one (a browser page makes up its own). */
    private static String nonce(PageOptions options) {
        if (options != null && options.nonce() != null && !options.nonce().isBlank()) return options.nonce();
        byte[] b = new byte[18];
        RANDOM.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }
}

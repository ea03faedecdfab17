package org.circuitscope.lsp.viewer;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pages' policy: nothing but the page's own nonce'd inline style and script, and data: images.
 * The HTTP header repeats the page's meta (the browser enforces both, so they must agree).
 */
final class ContentSecurityPolicy {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern META = Pattern.compile(
            "<meta\\s+http-equiv=\"Content-Security-Policy\"\\s+content=\"([^\"<>]*)\"", Pattern.CASE_INSENSITIVE);

    private ContentSecurityPolicy() {}

    static String forNonce(String nonce) {
        return "default-src 'none'; style-src 'nonce-" + nonce + "'; script-src 'nonce-" + nonce + "'; img-src data:";
    }

    /** A fresh nonce: 128 random bits. */
    static String nonce() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    /** The policy of the page's CSP meta; without one, the policy for {@code nonce}. */
    static String of(String html, String nonce) {
        Matcher m = META.matcher(html);
        return m.find() ? m.group(1).replace("&#39;", "'").replace("&amp;", "&") : forNonce(nonce);
    }
}

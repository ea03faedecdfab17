package org.circuitscope.lsp.viewer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The viewer's first path segment: 160 random bits, URL-safe. Another local user or a web page
 * can reach 127.0.0.1 but cannot read the editor's links, so without the secret it sees only 404s.
 */
public record ViewerSecret(String value) {
    private static final SecureRandom RANDOM = new SecureRandom();

    public static ViewerSecret random() {
        byte[] b = new byte[20];
        RANDOM.nextBytes(b);
        return new ViewerSecret(Base64.getUrlEncoder().withoutPadding().encodeToString(b));
    }

    /** Whether {@code candidate} is the secret, in time that does not depend on where they differ. */
    public boolean matches(String candidate) {
        if (candidate == null) return false;
        return MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8), candidate.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() { return "ViewerSecret[…]"; } // never in logs
}

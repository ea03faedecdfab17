package org.circuitscope.lsp.viewer;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The header policy repeats the page's meta, or is the strict policy for the response's nonce. */
class ContentSecurityPolicyTest {
    @Test
    void theHeaderRepeatsThePagesMeta() {
        String meta = "default-src 'none'; style-src 'nonce-abc123XYZ'; script-src 'nonce-abc123XYZ'; img-src data:";
        String html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" content=\""
                + meta.replace("'", "&#39;") + "\"></head></html>";
        assertEquals(meta, ContentSecurityPolicy.of(html, "other"));
    }

    @Test
    void withoutAMetaThePolicyOfTheNonce() {
        assertEquals("default-src 'none'; style-src 'nonce-N1'; script-src 'nonce-N1'; img-src data:", ContentSecurityPolicy.of("<p>hi</p>", "N1"));
        String a = ContentSecurityPolicy.nonce(), b = ContentSecurityPolicy.nonce();
        assertNotEquals(a, b);
        assertEquals(16, java.util.Base64.getDecoder().decode(a).length, "128 bits");
    }
}

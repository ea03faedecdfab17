package org.circuitscope.view;

import com.google.gson.JsonObject;

/**
 * How a page is embedded.
 *
 * @param nonce the CSP nonce for the page's inline {@code <style>} and {@code <script>} (VS Code's
 *     webviews allow nothing else); null to make one up (a browser page still gets a strict CSP)
 * @param links where a link to another view goes: its href for (command, args), e.g. a viewer
 *     URL; null in webviews, where a small inline script posts {@code {command, args}} to the
 *     editor instead ({@code acquireVsCodeApi().postMessage})
 */
public record PageOptions(String nonce, LinkTarget links) {
    /** The href of a link to the view of {@code command} with {@code args}. */
    @FunctionalInterface
    public interface LinkTarget {
        String href(String command, JsonObject args);
    }

    /** For VS Code's webviews: the editor's nonce, links posted back to the editor. */
    public static PageOptions webview(String nonce) { return new PageOptions(nonce, null); }

    /** For a browser: links are URLs. */
    public static PageOptions browser(LinkTarget links) { return new PageOptions(null, links); }
}

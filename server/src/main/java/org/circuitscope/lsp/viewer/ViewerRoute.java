package org.circuitscope.lsp.viewer;

import com.google.gson.JsonObject;

/** What a viewer request asks for, once {@link RequestGuard} let it through, or why it was refused. */
sealed interface ViewerRoute {
    /** Refused before any work: {@code status} with a one-line reason. */
    record Refused(int status, String reason) implements ViewerRoute {}

    /** {@code GET /<secret>/}: the open documents and their views. */
    record Index() implements ViewerRoute {}

    /** {@code GET /<secret>/view/<command>?args=<JSON>}. */
    record View(String command, JsonObject args) implements ViewerRoute {}
}

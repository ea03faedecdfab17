package com.intellij.openapi.ui.popup;

import com.intellij.openapi.editor.Editor;

/**
 * Compile-only stub of {@code com.intellij.openapi.ui.popup.JBPopup} as in IntelliJ Platform 2024.2 (build 242; unchanged through 2025.2): the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 */
public interface JBPopup {
    void showInBestPositionFor(Editor editor);
}

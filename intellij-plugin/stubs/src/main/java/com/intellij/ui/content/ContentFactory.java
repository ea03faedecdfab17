package com.intellij.ui.content;

import javax.swing.JComponent;

/**
 * Compile-only stub of {@code com.intellij.ui.content.ContentFactory} as in IntelliJ Platform 2024.2 (build 242; unchanged through 2025.2): the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 */
public interface ContentFactory {
    static ContentFactory getInstance() { throw new UnsupportedOperationException("stub"); }

    Content createContent(JComponent component, String displayName, boolean isLockable);
}

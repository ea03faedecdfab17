package com.intellij.openapi.ui.popup;

import java.util.List;

/**
 * Compile-only stub of {@code com.intellij.openapi.ui.popup.JBPopupFactory} as in IntelliJ Platform 2024.2 (build 242; unchanged through 2025.2): the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 */
public abstract class JBPopupFactory {
    public static JBPopupFactory getInstance() { throw new UnsupportedOperationException("stub"); }

    public abstract <T> IPopupChooserBuilder<T> createPopupChooserBuilder(List<? extends T> list);
}

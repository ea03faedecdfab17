package com.intellij.ui.jcef;

import com.intellij.openapi.Disposable;
import javax.swing.JComponent;

/**
 * Compile-only stub of {@code com.intellij.ui.jcef.JBCefBrowser} as in IntelliJ Platform 2024.2 (build 242; unchanged through 2025.2): the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 * In the platform, loadURL and getComponent come from JBCefBrowserBase.
 */
public class JBCefBrowser implements Disposable {
    public JBCefBrowser() {}

    public void loadURL(String url) {}

    public void loadHTML(String html) {}

    public JComponent getComponent() { throw new UnsupportedOperationException("stub"); }

    @Override
    public void dispose() {}
}

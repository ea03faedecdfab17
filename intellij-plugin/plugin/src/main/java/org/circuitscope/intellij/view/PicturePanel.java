package org.circuitscope.intellij.view;

import com.intellij.openapi.Disposable;
import com.intellij.openapi.project.Project;
import com.intellij.openapi.wm.ToolWindow;
import com.intellij.openapi.wm.ToolWindowManager;
import com.intellij.ui.jcef.JBCefApp;
import com.intellij.ui.jcef.JBCefBrowser;
import javax.swing.JComponent;
import javax.swing.JLabel;

/** The project's picture browser (a project service): one JCEF browser, created when the tool window first opens. */
public final class PicturePanel implements Disposable {
    public static final String TOOL_WINDOW_ID = "Circuitscope";

    private final Project project;
    private JBCefBrowser browser;

    public PicturePanel(Project project) {
        this.project = project;
    }

    public static PicturePanel of(Project project) {
        return project.getService(PicturePanel.class);
    }

    /** Whether pages can be shown in the IDE (JCEF can be missing, e.g. on a runtime without it). */
    public static boolean supported() {
        return JBCefApp.isSupported();
    }

    /** The tool window's content: the browser, or a note where JCEF is missing. On the EDT. */
    JComponent component() {
        if (!supported()) return new JLabel("This IDE's runtime has no JCEF: pictures open in the browser.");
        return browser().getComponent();
    }

    /** Loads a viewer page and brings the tool window forward. On the EDT. */
    public void show(String url) {
        browser().loadURL(url);
        ToolWindow w = ToolWindowManager.getInstance(project).getToolWindow(TOOL_WINDOW_ID);
        if (w != null) w.activate(null);
    }

    private JBCefBrowser browser() {
        if (browser == null) browser = new JBCefBrowser();
        return browser;
    }

    @Override
    public void dispose() {
        if (browser != null) browser.dispose();
    }
}

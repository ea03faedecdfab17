package org.circuitscope.intellij.view;

import com.intellij.openapi.project.Project;
import com.intellij.openapi.wm.ToolWindow;
import com.intellij.openapi.wm.ToolWindowFactory;
import com.intellij.ui.content.ContentFactory;

/** The Circuitscope tool window (plugin.xml), holding the project's {@link PicturePanel}. */
public final class PictureToolWindowFactory implements ToolWindowFactory {
    @Override
    public void createToolWindowContent(Project project, ToolWindow toolWindow) {
        toolWindow.getContentManager().addContent(ContentFactory.getInstance().createContent(PicturePanel.of(project).component(), "", false));
    }
}

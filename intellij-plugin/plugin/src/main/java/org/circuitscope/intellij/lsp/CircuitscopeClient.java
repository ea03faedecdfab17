package org.circuitscope.intellij.lsp;

import com.intellij.openapi.application.ApplicationManager;
import com.intellij.openapi.project.Project;
import com.redhat.devtools.lsp4ij.client.LanguageClientImpl;
import java.util.concurrent.CompletableFuture;
import org.circuitscope.intellij.view.PicturePanel;
import org.circuitscope.intellij.view.ViewerUrls;
import org.eclipse.lsp4j.ShowDocumentParams;
import org.eclipse.lsp4j.ShowDocumentResult;

/**
 * LSP4IJ's client, except that the server's viewer pages (window/showDocument {external: true} after
 * {@code circuitscope.show}) open in the Circuitscope tool window instead of the browser.
 */
final class CircuitscopeClient extends LanguageClientImpl {
    CircuitscopeClient(Project project) {
        super(project);
    }

    @Override
    public CompletableFuture<ShowDocumentResult> showDocument(ShowDocumentParams params) {
        if (!ViewerUrls.isViewerPage(params.getUri()) || !PicturePanel.supported()) return super.showDocument(params);
        Project project = getProject();
        ApplicationManager.getApplication().invokeLater(() -> PicturePanel.of(project).show(params.getUri()));
        return CompletableFuture.completedFuture(new ShowDocumentResult(true));
    }
}

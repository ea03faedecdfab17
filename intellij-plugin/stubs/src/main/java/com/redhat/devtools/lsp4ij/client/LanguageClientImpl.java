package com.redhat.devtools.lsp4ij.client;

import com.intellij.openapi.Disposable;
import com.intellij.openapi.project.Project;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.ShowDocumentParams;
import org.eclipse.lsp4j.ShowDocumentResult;
import org.eclipse.lsp4j.ShowMessageRequestParams;
import org.eclipse.lsp4j.services.LanguageClient;

/**
 * Compile-only stub of {@code com.redhat.devtools.lsp4ij.client.LanguageClientImpl} as in LSP4IJ 0.20.1: the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 */
public class LanguageClientImpl implements LanguageClient, Disposable {
    public LanguageClientImpl(Project project) {}

    public Project getProject() { throw new UnsupportedOperationException("stub"); }

    @Override
    public void telemetryEvent(Object object) {}

    @Override
    public void publishDiagnostics(PublishDiagnosticsParams diagnostics) {}

    @Override
    public void showMessage(MessageParams messageParams) {}

    @Override
    public CompletableFuture<MessageActionItem> showMessageRequest(ShowMessageRequestParams requestParams) { throw new UnsupportedOperationException("stub"); }

    @Override
    public CompletableFuture<ShowDocumentResult> showDocument(ShowDocumentParams params) { throw new UnsupportedOperationException("stub"); }

    @Override
    public void logMessage(MessageParams message) {}

    @Override
    public void dispose() {}
}

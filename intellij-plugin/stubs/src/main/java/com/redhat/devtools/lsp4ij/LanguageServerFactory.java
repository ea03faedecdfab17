package com.redhat.devtools.lsp4ij;

import com.intellij.openapi.project.Project;
import com.redhat.devtools.lsp4ij.client.LanguageClientImpl;
import com.redhat.devtools.lsp4ij.server.StreamConnectionProvider;

/**
 * Compile-only stub of {@code com.redhat.devtools.lsp4ij.LanguageServerFactory} as in LSP4IJ 0.20.1: the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 */
public interface LanguageServerFactory {
    StreamConnectionProvider createConnectionProvider(Project project);

    default LanguageClientImpl createLanguageClient(Project project) {
        return new LanguageClientImpl(project);
    }
}

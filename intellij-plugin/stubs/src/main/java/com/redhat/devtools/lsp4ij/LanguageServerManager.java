package com.redhat.devtools.lsp4ij;

import com.intellij.openapi.project.Project;
import java.util.concurrent.CompletableFuture;

/**
 * Compile-only stub of {@code com.redhat.devtools.lsp4ij.LanguageServerManager} as in LSP4IJ 0.20.1: the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 */
public class LanguageServerManager {
    public static LanguageServerManager getInstance(Project project) { throw new UnsupportedOperationException("stub"); }

    public CompletableFuture<LanguageServerItem> getLanguageServer(String languageServerId) { throw new UnsupportedOperationException("stub"); }

    public void start(String languageServerId) {}

    public void stop(String languageServerId) {}
}

package com.redhat.devtools.lsp4ij;

import org.eclipse.lsp4j.services.LanguageServer;

/**
 * Compile-only stub of {@code com.redhat.devtools.lsp4ij.LanguageServerItem} as in LSP4IJ 0.20.1: the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 */
public class LanguageServerItem {
    public LanguageServer getServer() { throw new UnsupportedOperationException("stub"); }
}

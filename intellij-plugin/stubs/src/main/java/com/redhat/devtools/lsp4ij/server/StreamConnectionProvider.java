package com.redhat.devtools.lsp4ij.server;

import com.intellij.openapi.vfs.VirtualFile;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Compile-only stub of {@code com.redhat.devtools.lsp4ij.server.StreamConnectionProvider} as in LSP4IJ 0.20.1: the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 * The real start() may throw LSP4IJ's CannotStartProcessException, a RuntimeException.
 */
public interface StreamConnectionProvider {
    void start();

    InputStream getInputStream();

    OutputStream getOutputStream();

    default Object getInitializationOptions(VirtualFile rootUri) {
        return null;
    }

    void stop();
}

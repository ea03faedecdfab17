package com.redhat.devtools.lsp4ij.server;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * Compile-only stub of {@code com.redhat.devtools.lsp4ij.server.ProcessStreamConnectionProvider} as in LSP4IJ 0.20.1: the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 */
public abstract class ProcessStreamConnectionProvider implements StreamConnectionProvider {
    public ProcessStreamConnectionProvider() {}

    public ProcessStreamConnectionProvider(List<String> commands, String workingDir) {}

    @Override
    public void start() {}

    @Override
    public InputStream getInputStream() { throw new UnsupportedOperationException("stub"); }

    @Override
    public OutputStream getOutputStream() { throw new UnsupportedOperationException("stub"); }

    @Override
    public void stop() {}

    public List<String> getCommands() { throw new UnsupportedOperationException("stub"); }

    public void setCommands(List<String> commands) {}

    public void setWorkingDirectory(String workingDir) {}
}

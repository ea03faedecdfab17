package com.intellij.openapi.vfs;

/**
 * Compile-only stub of {@code com.intellij.openapi.vfs.VirtualFile} as in IntelliJ Platform 2024.2 (build 242; unchanged through 2025.2): the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 */
public abstract class VirtualFile {
    public abstract String getUrl();

    public abstract String getPath();

    public String getExtension() { throw new UnsupportedOperationException("stub"); }
}

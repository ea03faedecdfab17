package com.redhat.devtools.lsp4ij;

import com.intellij.openapi.editor.Document;
import com.intellij.openapi.vfs.VirtualFile;
import org.eclipse.lsp4j.Position;

/**
 * Compile-only stub of {@code com.redhat.devtools.lsp4ij.LSPIJUtils} as in LSP4IJ 0.20.1: the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 */
public final class LSPIJUtils {
    private LSPIJUtils() {}

    /** The URI LSP4IJ sends in didOpen: commands must name the document the same way. */
    public static String toUriAsString(VirtualFile file) { throw new UnsupportedOperationException("stub"); }

    /** An editor offset as an LSP position (UTF-16 characters, as the server negotiates with LSP4IJ). */
    public static Position toPosition(int offset, Document document) { throw new UnsupportedOperationException("stub"); }
}

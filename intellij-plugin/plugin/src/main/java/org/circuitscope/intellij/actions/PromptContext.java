package org.circuitscope.intellij.actions;

import com.intellij.openapi.editor.Editor;
import com.intellij.openapi.project.Project;
import com.intellij.openapi.vfs.VirtualFile;
import com.redhat.devtools.lsp4ij.LSPIJUtils;
import org.eclipse.lsp4j.Position;

/** The prompt an action runs on: its project, editor and file. */
record PromptContext(Project project, Editor editor, VirtualFile file) {
    /** The document's URI as LSP4IJ sent it in didOpen (the server looks documents up by it). */
    String uri() { return LSPIJUtils.toUriAsString(file); }

    /** The caret as an LSP position. */
    Position caret() { return LSPIJUtils.toPosition(editor.getCaretModel().getOffset(), editor.getDocument()); }
}

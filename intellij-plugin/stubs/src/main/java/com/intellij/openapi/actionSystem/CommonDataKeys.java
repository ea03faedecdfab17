package com.intellij.openapi.actionSystem;

import com.intellij.openapi.editor.Editor;
import com.intellij.openapi.vfs.VirtualFile;

/**
 * Compile-only stub of {@code com.intellij.openapi.actionSystem.CommonDataKeys} as in IntelliJ Platform 2024.2 (build 242; unchanged through 2025.2): the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 * The fields are null here; only their names and types matter to javac.
 */
public class CommonDataKeys {
    public static final DataKey<Editor> EDITOR = null;
    public static final DataKey<VirtualFile> VIRTUAL_FILE = null;
}

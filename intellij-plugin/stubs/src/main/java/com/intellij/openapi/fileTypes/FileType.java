package com.intellij.openapi.fileTypes;

import javax.swing.Icon;

/**
 * Compile-only stub of {@code com.intellij.openapi.fileTypes.FileType} as in IntelliJ Platform 2024.2 (build 242; unchanged through 2025.2): the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 */
public interface FileType {
    String getName();

    String getDescription();

    String getDefaultExtension();

    Icon getIcon();
}

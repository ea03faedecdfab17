package com.intellij.openapi.fileTypes;

import com.intellij.lang.Language;

/**
 * Compile-only stub of {@code com.intellij.openapi.fileTypes.LanguageFileType} as in IntelliJ Platform 2024.2 (build 242; unchanged through 2025.2): the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 */
public abstract class LanguageFileType implements FileType {
    protected LanguageFileType(Language language) {}

    public final Language getLanguage() { throw new UnsupportedOperationException("stub"); }
}

package com.intellij.psi.tree;

import com.intellij.lang.Language;

/**
 * Compile-only stub of {@code com.intellij.psi.tree.IElementType} as in IntelliJ Platform 2024.2 (build 242; unchanged through 2025.2): the members the circuitscope plugin uses,
 * signatures only. Never packaged; the IDE supplies the real class.
 */
public class IElementType {
    public IElementType(String debugName, Language language) {}
}

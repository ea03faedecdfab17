package org.circuitscope.intellij.lang;

import com.intellij.lang.Language;

/** The prompt language; LSP4IJ's languageMapping sends its files to the server with language id {@code prompt}. */
public final class PromptLanguage extends Language {
    public static final String ID = "Prompt";
    public static final PromptLanguage INSTANCE = new PromptLanguage();

    private PromptLanguage() {
        super(ID);
    }
}

package org.circuitscope.intellij.lang;

import com.intellij.openapi.fileTypes.LanguageFileType;
import com.intellij.openapi.util.IconLoader;
import javax.swing.Icon;

/** {@code *.prompt}: a prompt for the model, with an optional front matter block. */
public final class PromptFileType extends LanguageFileType {
    public static final PromptFileType INSTANCE = new PromptFileType();
    public static final String EXTENSION = "prompt";
    public static final String ICON = "/icons/prompt.svg";

    private PromptFileType() {
        super(PromptLanguage.INSTANCE);
    }

    @Override
    public String getName() { return "Prompt"; }

    @Override
    public String getDescription() { return "Circuitscope prompt"; }

    @Override
    public String getDefaultExtension() { return EXTENSION; }

    @Override
    public Icon getIcon() { return IconLoader.getIcon(ICON, PromptFileType.class); }
}

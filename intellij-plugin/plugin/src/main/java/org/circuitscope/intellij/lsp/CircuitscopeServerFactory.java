package org.circuitscope.intellij.lsp;

import com.intellij.openapi.project.Project;
import com.redhat.devtools.lsp4ij.LanguageServerFactory;
import com.redhat.devtools.lsp4ij.client.LanguageClientImpl;
import com.redhat.devtools.lsp4ij.server.StreamConnectionProvider;
import org.circuitscope.intellij.settings.CircuitscopeSettings;

/** The server definition {@value #SERVER_ID} of plugin.xml: each start reads the settings anew (a restart applies them). */
public final class CircuitscopeServerFactory implements LanguageServerFactory {
    public static final String SERVER_ID = "circuitscope";

    @Override
    public StreamConnectionProvider createConnectionProvider(Project project) {
        return new CircuitscopeConnectionProvider(CircuitscopeSettings.getInstance().settings());
    }

    @Override
    public LanguageClientImpl createLanguageClient(Project project) {
        return new CircuitscopeClient(project);
    }
}

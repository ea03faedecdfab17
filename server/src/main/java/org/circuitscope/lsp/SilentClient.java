package org.circuitscope.lsp;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.ConfigurationParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.ProgressParams;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.ShowMessageRequestParams;
import org.eclipse.lsp4j.WindowClientCapabilities;
import org.eclipse.lsp4j.WorkDoneProgressCreateParams;
import org.eclipse.lsp4j.services.LanguageClient;

/**
 * A client for programs that drive this server without an editor (the start-up cache's
 * training session, the benchmarks): it answers what the server asks with defaults (every
 * setting at its default, progress tokens accepted) and ignores what it is told. Subclasses
 * override what they want to see.
 */
public class SilentClient implements LanguageClient {
    @Override public void telemetryEvent(Object o) {}
    @Override public void publishDiagnostics(PublishDiagnosticsParams p) {}
    @Override public void showMessage(MessageParams p) {}
    @Override public CompletableFuture<MessageActionItem> showMessageRequest(ShowMessageRequestParams p) { return CompletableFuture.completedFuture(null); }
    @Override public void logMessage(MessageParams p) {}
    @Override public CompletableFuture<List<Object>> configuration(ConfigurationParams p) {
        List<Object> out = new ArrayList<>();
        p.getItems().forEach(i -> out.add(new JsonObject()));
        return CompletableFuture.completedFuture(out);
    }
    @Override public CompletableFuture<Void> createProgress(WorkDoneProgressCreateParams p) { return CompletableFuture.completedFuture(null); }
    @Override public void notifyProgress(ProgressParams p) {}

    /** {@code initialize} as VS Code sends it to this server: the settings section (all defaults here) and progress support. */
    public static InitializeParams initializeParams() {
        InitializeParams init = new InitializeParams();
        JsonObject options = new JsonObject();
        options.add("circuitscope", new JsonObject());
        init.setInitializationOptions(options);
        ClientCapabilities caps = new ClientCapabilities();
        WindowClientCapabilities window = new WindowClientCapabilities();
        window.setWorkDoneProgress(true);
        caps.setWindow(window);
        init.setCapabilities(caps);
        return init;
    }
}

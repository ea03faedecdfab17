package org.circuitscope.lsp;

import com.google.gson.JsonElement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.circuitscope.lsp.protocol.Params;
import org.eclipse.lsp4j.DidChangeConfigurationParams;
import org.eclipse.lsp4j.DidChangeWatchedFilesParams;
import org.eclipse.lsp4j.ExecuteCommandParams;
import org.eclipse.lsp4j.services.WorkspaceService;

/**
 * workspace/*: settings changes and executeCommand (one JSON object argument per command).
 * Settings go back to the server through {@code applySettings} and {@code pullSettings}, so this
 * service knows nothing of the server that made it.
 */
final class PromptWorkspaceService implements WorkspaceService {
    private final BiFunction<String, JsonElement, CompletableFuture<Object>> commands;
    private final Consumer<JsonElement> applySettings;
    private final Runnable pullSettings;

    /** {@code commands} runs a command id with its argument. */
    PromptWorkspaceService(BiFunction<String, JsonElement, CompletableFuture<Object>> commands, Consumer<JsonElement> applySettings,
            Runnable pullSettings) {
        this.commands = commands;
        this.applySettings = applySettings;
        this.pullSettings = pullSettings;
    }

    @Override
    public CompletableFuture<Object> executeCommand(ExecuteCommandParams p) {
        Params.need("workspace/executeCommand", "params", p);
        List<Object> args = p.getArguments();
        Object first = args == null || args.isEmpty() ? null : args.get(0);
        return commands.apply(p.getCommand(), first instanceof JsonElement j ? j : null);
    }

    @Override
    public void didChangeConfiguration(DidChangeConfigurationParams p) {
        // Clients either push the settings here or expect us to pull them; honour both.
        if (p.getSettings() instanceof JsonElement j) applySettings.accept(j);
        pullSettings.run();
    }

    @Override
    public void didChangeWatchedFiles(DidChangeWatchedFilesParams p) {}
}

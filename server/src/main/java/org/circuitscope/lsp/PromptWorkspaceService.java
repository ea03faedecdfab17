package org.circuitscope.lsp;

import org.circuitscope.lsp.command.CommandRegistry;
import com.google.gson.JsonElement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.DidChangeConfigurationParams;
import org.eclipse.lsp4j.DidChangeWatchedFilesParams;
import org.eclipse.lsp4j.ExecuteCommandParams;
import org.eclipse.lsp4j.services.WorkspaceService;

/** workspace/*: settings changes and executeCommand (one JSON object argument per command). */
final class PromptWorkspaceService implements WorkspaceService {
    private final CircuitscopeServer server;
    private final CommandRegistry commands;

    PromptWorkspaceService(CircuitscopeServer server, CommandRegistry commands) {
        this.server = server;
        this.commands = commands;
    }

    @Override
    public CompletableFuture<Object> executeCommand(ExecuteCommandParams p) {
        List<Object> args = p.getArguments();
        Object first = args == null || args.isEmpty() ? null : args.get(0);
        return commands.execute(p.getCommand(), first instanceof JsonElement j ? j : null);
    }

    @Override
    public void didChangeConfiguration(DidChangeConfigurationParams p) {
        // Clients either push the settings here or expect us to pull them; honour both.
        if (p.getSettings() instanceof JsonElement j) server.applySettings(j);
        server.pullSettings();
    }

    @Override
    public void didChangeWatchedFiles(DidChangeWatchedFilesParams p) {}
}

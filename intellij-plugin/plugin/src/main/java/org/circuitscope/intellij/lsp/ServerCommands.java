package org.circuitscope.intellij.lsp;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.intellij.openapi.project.Project;
import com.redhat.devtools.lsp4ij.LanguageServerItem;
import com.redhat.devtools.lsp4ij.LanguageServerManager;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.ExecuteCommandParams;

/** workspace/executeCommand to the project's circuitscope server, through LSP4IJ's connection (started if need be). */
public final class ServerCommands {
    private static final Gson GSON = new Gson();

    private ServerCommands() {}

    /** The command's answer as JSON; fails when the server is not running or answers an error. */
    public static CompletableFuture<JsonElement> execute(Project project, String command, JsonObject argument) {
        return LanguageServerManager.getInstance(project).getLanguageServer(CircuitscopeServerFactory.SERVER_ID).thenCompose(item -> {
            if (item == null) {
                return CompletableFuture.failedFuture(new IllegalStateException("the circuitscope language server is not running (see the LSP console)"));
            }
            return send(item, command, argument);
        });
    }

    private static CompletableFuture<JsonElement> send(LanguageServerItem item, String command, JsonObject argument) {
        return item.getServer().getWorkspaceService().executeCommand(new ExecuteCommandParams(command, List.of(argument)))
                .thenApply(o -> o instanceof JsonElement j ? j : GSON.toJsonTree(o));
    }

    /** Stops and starts the server, which then reads the settings again. */
    public static void restart(Project project) {
        LanguageServerManager m = LanguageServerManager.getInstance(project);
        m.stop(CircuitscopeServerFactory.SERVER_ID);
        m.start(CircuitscopeServerFactory.SERVER_ID);
    }
}

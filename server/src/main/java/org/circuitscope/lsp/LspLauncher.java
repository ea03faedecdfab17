package org.circuitscope.lsp;

import org.circuitscope.engine.WorkerThreads;
import org.circuitscope.lsp.transport.RobustLauncherBuilder;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.services.LanguageClient;

/** Connects a server to a pair of streams (stdio, a socket, or pipes in tests). */
public final class LspLauncher {
    private LspLauncher() {}

    /** A started connection: wait on {@code listening} to know when the input stream ended. */
    public record Connection(CircuitscopeServer server, LanguageClient client, Future<Void> listening) {}

    public static Connection start(InputStream in, OutputStream out, IntConsumer exit) {
        return start(in, out, new CircuitscopeServer(exit));
    }

    public static Connection start(InputStream in, OutputStream out, CircuitscopeServer server) {
        // LSP4J's reader thread only parses and dispatches; the work runs on the server's own pools.
        ExecutorService rpc = WorkerThreads.pool("circuitscope-jsonrpc", 1);
        Launcher<LanguageClient> l = new RobustLauncherBuilder<LanguageClient>()
                .setLocalService(server)
                .setRemoteInterface(LanguageClient.class)
                .setInput(in)
                .setOutput(out)
                .setExecutorService(rpc)
                .create();
        server.connect(l.getRemoteProxy());
        return new Connection(server, l.getRemoteProxy(), l.startListening());
    }
}

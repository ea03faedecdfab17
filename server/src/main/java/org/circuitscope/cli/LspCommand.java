package org.circuitscope.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.logging.ConsoleHandler;
import java.util.logging.FileHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.circuitscope.lsp.LspLauncher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code circuitscope lsp}: the language server over stdio, or over one TCP connection on
 * 127.0.0.1 with {@code --port}. Stdout carries only protocol messages; logs go to stderr or
 * {@code --log}. Exits on {@code exit}, when the input ends, or when the client's process dies.
 */
@Command(name = "lsp", mixinStandardHelpOptions = true,
        description = "Run the language server (LSP) for .prompt files over stdio, or over a socket with --port.")
final class LspCommand implements Callable<Integer> {
    /** Long enough for the first document's analysis to be over on a two-core machine. */
    static final long AOT_TRAINING_DELAY_MS = 15_000;

    @Option(names = "--port", paramLabel = "N", description = "Listen on 127.0.0.1:N for one client instead of using stdio (0: any free port, printed to stderr).")
    Integer port;

    @Option(names = "--log", paramLabel = "FILE", description = "Write the server log to FILE instead of stderr.")
    Path log;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "INFO", description = "SEVERE, WARNING, INFO (default) or FINE.")
    String logLevel;

    @Override
    public Integer call() throws Exception {
        PrintStream stdout = System.out;
        // Anything a library prints must not corrupt the protocol stream.
        System.setOut(System.err);
        configureLogging();
        // Once per jar and JDK: the cache the launcher asked for, made after this server's own start.
        AotCache.wanted(System.getProperty(AotCache.PROPERTY)).ifPresent(c -> AotCache.createLater(c, AOT_TRAINING_DELAY_MS));
        if (port == null) return serve(System.in, stdout);
        try (ServerSocket ss = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            System.err.println("circuitscope lsp: listening on 127.0.0.1:" + ss.getLocalPort());
            try (Socket s = ss.accept()) {
                return serve(s.getInputStream(), s.getOutputStream());
            }
        }
    }

    private static int serve(InputStream in, OutputStream out) throws InterruptedException {
        var conn = LspLauncher.start(in, out, code -> {
            Logger.getLogger("org.circuitscope.lsp").info("exit " + code);
            System.exit(code);
        });
        try {
            conn.listening().get();
        } catch (ExecutionException e) {
            Logger.getLogger("org.circuitscope.lsp").log(Level.WARNING, "connection failed", e.getCause());
        }
        // The input ended without an exit notification: the client is gone.
        Logger.getLogger("org.circuitscope.lsp").info("input closed; exiting");
        System.exit(1);
        return 1;
    }

    private void configureLogging() throws IOException {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Level level;
        try {
            level = Level.parse(logLevel.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--log-level " + Text.quoteInput(logLevel) + " is not one of SEVERE, WARNING, INFO, FINE");
        }
        Handler h;
        if (log != null) {
            h = new FileHandler(log.toString(), true);
        } else {
            h = new ConsoleHandler(); // writes to System.err
        }
        h.setFormatter(new SimpleFormatter());
        h.setLevel(level);
        root.addHandler(h);
        // FINE is for circuitscope's own messages: libraries (JNA, DJL, LSP4J) stay at INFO, their
        // debug output (stack traces included) is noise and costs start-up time.
        root.setLevel(level.intValue() < Level.INFO.intValue() ? Level.INFO : level);
        Logger.getLogger("org.circuitscope").setLevel(level);
        // LSP4J logs every unmatched message at WARNING; keep those, but not its debug chatter.
        Logger.getLogger("org.eclipse.lsp4j").setLevel(level.intValue() < Level.INFO.intValue() ? level : Level.WARNING);
    }
}

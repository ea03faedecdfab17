package org.circuitscope.lsp;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./circuitscope lsp} as an editor starts it: raw JSON-RPC over the process's stdin and
 * stdout, initialize → didOpen → hover → shutdown → exit, and the process ends with 0.
 * An integration test (failsafe, after the package phase): run earlier, the launcher would
 * find no jar and build one with a second Maven inside the running build, over its target
 * folders. Run alone from an IDE it may still build first, hence the long timeouts.
 */
class LspLauncherIT {
    @TempDir Path tmp;

    static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("circuitscope"))) p = p.getParent();
        assertNotNull(p, "no repository root with the circuitscope launcher above " + Path.of("").toAbsolutePath());
        return p;
    }

    static void send(OutputStream out, String json) throws Exception { WireFrames.write(out, json); }

    /** Reads messages until one answers the given id; returns its JSON. */
    static String readResponse(InputStream in, int id) throws Exception {
        while (true) {
            String json = WireFrames.next(in);
            if (json == null) throw new AssertionError("server closed stdout before answering " + id);
            if (json.contains("\"id\":" + id + ",") || json.contains("\"id\":" + id + "}") || json.contains("\"id\":\"" + id + "\"")) {
                if (!json.contains("\"method\"")) return json;
            }
        }
    }

    /** {@code ./circuitscope lsp} as an editor starts it, its stderr in {@code stderr}. */
    static Process startServer(Path stderr) throws Exception {
        Path root = repositoryRoot();
        return new ProcessBuilder(root.resolve("circuitscope").toString(), "lsp").directory(root.toFile()).redirectError(stderr.toFile()).start();
    }

    @Test
    void launcherSpeaksLspOverStdioAndExitsCleanly() throws Exception {
        Path root = repositoryRoot();
        Path model = TestModels.write(tmp, "launch", 1, true, 64, 9);
        Process p = startServer(tmp.resolve("stderr.txt"));
        try {
            OutputStream out = p.getOutputStream();
            InputStream in = p.getInputStream();
            String uri = tmp.resolve("a.prompt").toUri().toString();
            send(out, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"processId\":" + ProcessHandle.current().pid()
                    + ",\"rootUri\":null,\"capabilities\":{},\"initializationOptions\":{\"defaultModel\":\"" + model.toString().replace("\\", "\\\\") + "\"}}}");
            String init = readResponse(in, 1);
            assertTrue(init.contains("\"hoverProvider\":true"), init);
            send(out, "{\"jsonrpc\":\"2.0\",\"method\":\"initialized\",\"params\":{}}");
            send(out, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":{\"uri\":\"" + uri
                    + "\",\"languageId\":\"prompt\",\"version\":1,\"text\":\"In the beginning\"}}}");
            send(out, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"textDocument/hover\",\"params\":{\"textDocument\":{\"uri\":\"" + uri
                    + "\"},\"position\":{\"line\":0,\"character\":3}}}");
            String hover = readResponse(in, 2);
            assertTrue(hover.contains("surprisal"), hover);
            assertTrue(hover.contains("\\\"t\\\""), "the hover is on the token 't': " + hover);
            send(out, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"shutdown\",\"params\":null}");
            readResponse(in, 3);
            send(out, "{\"jsonrpc\":\"2.0\",\"method\":\"exit\",\"params\":null}");
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the server exits after exit");
            assertEquals(0, p.exitValue(), "exit after shutdown is exit code 0; stderr:\n" + Files.readString(tmp.resolve("stderr.txt")));
        } finally {
            if (p.isAlive()) p.destroyForcibly();
        }
    }

    /** initialize with a processId, answered; returns the answer's JSON. */
    static String initialize(OutputStream out, InputStream in, long clientPid) throws Exception {
        send(out, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"processId\":" + clientPid
                + ",\"rootUri\":null,\"capabilities\":{}}}");
        return readResponse(in, 1);
    }

    /** The first match in a file a process writes, waited for while it runs (at most 3 minutes: the launcher may build first). */
    static Matcher awaitMatch(Path file, Pattern pattern, Process p) throws Exception {
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (true) {
            String text = Files.exists(file) ? Files.readString(file) : "";
            Matcher m = pattern.matcher(text);
            if (m.find()) return m;
            if (!p.isAlive() || System.nanoTime() > end) throw new AssertionError("no match for " + pattern + " in " + file + ":\n" + text);
            Thread.sleep(50);
        }
    }

    @Test
    void portServesOneClientOnLoopbackAndStdoutStaysEmpty() throws Exception {
        Path root = repositoryRoot();
        Path stderr = tmp.resolve("stderr.txt");
        Process p = new ProcessBuilder(root.resolve("circuitscope").toString(), "lsp", "--port", "0").directory(root.toFile())
                .redirectError(stderr.toFile()).start();
        try {
            // stderr: the launcher's build messages, if any, then the address (0: any free port).
            Matcher m = awaitMatch(stderr, Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)\\R"), p);
            try (java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), Integer.parseInt(m.group(1)))) {
                String init = initialize(s.getOutputStream(), s.getInputStream(), ProcessHandle.current().pid());
                assertTrue(init.contains("\"hoverProvider\":true"), init);
                send(s.getOutputStream(), "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"shutdown\",\"params\":null}");
                try {
                    readResponse(s.getInputStream(), 2);
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "; the server's stderr:\n" + Files.readString(stderr), e);
                }
                send(s.getOutputStream(), "{\"jsonrpc\":\"2.0\",\"method\":\"exit\",\"params\":null}");
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the server exits after exit");
            }
            assertEquals(0, p.exitValue());
            assertEquals("", new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8), "with --port, stdout carries nothing");
        } finally {
            if (p.isAlive()) p.destroyForcibly();
        }
    }

    @Test
    void serverExitsWhenItsClientsProcessEnds() throws Exception {
        Path root = repositoryRoot();
        // The editor's process, as the server knows it: the processId of initialize.
        Process editor = new ProcessBuilder("sleep", "600").start();
        Process p = new ProcessBuilder(root.resolve("circuitscope").toString(), "lsp").directory(root.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String init = initialize(p.getOutputStream(), p.getInputStream(), editor.pid());
            assertTrue(init.contains("\"capabilities\""), init);
            assertFalse(p.waitFor(3, TimeUnit.SECONDS), "the server serves while its client's process lives");
            editor.destroy();
            editor.waitFor();
            // Its input stays open: only the watch on the client's process can end it.
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the server exits once its client's process is gone");
            assertNotEquals(0, p.exitValue(), "no shutdown came first, so the exit code says so");
        } finally {
            editor.destroyForcibly();
            if (p.isAlive()) p.destroyForcibly();
        }
    }

    @Test
    void serverExitsWhenStdinCloses() throws Exception {
        Path root = repositoryRoot();
        Process p = new ProcessBuilder(root.resolve("circuitscope").toString(), "lsp").directory(root.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            p.getOutputStream().close();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the server exits when its input ends");
            ByteArrayOutputStream stdout = new ByteArrayOutputStream();
            p.getInputStream().transferTo(stdout);
            assertEquals("", stdout.toString(StandardCharsets.UTF_8), "nothing but protocol on stdout");
        } finally {
            if (p.isAlive()) p.destroyForcibly();
        }
    }
}

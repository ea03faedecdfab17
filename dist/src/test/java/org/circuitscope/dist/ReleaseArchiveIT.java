package org.circuitscope.dist;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.circuitscope.lsp.SilentClient;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.services.LanguageServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive as a user gets it: unpacked into an empty folder and run through its
 * {@code bin/circuitscope} in an environment with no Java at all (as {@code env -i}: the
 * environment cleared, then only {@code PATH=/usr/bin:/bin} and a {@code HOME} in the temporary
 * folder, so the server's caches stay there; no {@code JAVA_HOME}). That PATH is checked to hold
 * no Java 25: a {@code java} there, if any, must be older (this machine's /usr/bin/java is 17),
 * so only the archive's own runtime can run the server. An *IT: the archive is made in package.
 */
class ReleaseArchiveIT {
    static final String PATH = "/usr/bin:/bin";
    static final String INCUBATOR_WARNING = "WARNING: Using incubator modules: jdk.incubator.vector";

    @TempDir static Path tmp;
    static Path home;

    @BeforeAll
    static void unpack() throws Exception {
        Path target = Path.of("target").toAbsolutePath();
        Path archive;
        try (Stream<Path> s = Files.list(target)) {
            List<Path> found = s.filter(p -> p.getFileName().toString().matches("circuitscope-.*-.*\\.tar\\.gz")).toList();
            assertEquals(1, found.size(), "one release archive in " + target + " (made in package): " + found);
            archive = found.getFirst();
        }
        Path into = Files.createDirectories(tmp.resolve("unpacked"));
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", into.toString()).inheritIO().start();
        assertEquals(0, tar.waitFor(), "tar -xzf " + archive);
        try (Stream<Path> s = Files.list(into)) {
            home = s.findFirst().orElseThrow();
        }
        assertTrue(Files.isExecutable(home.resolve("bin/circuitscope")), "bin/circuitscope in " + home);
    }

    /** {@code bin/circuitscope args} with the cleared environment, stderr into {@code stderr}. */
    static ProcessBuilder noJava(Path stderr, String... args) {
        ProcessBuilder pb = new ProcessBuilder(Stream.concat(Stream.of(home.resolve("bin/circuitscope").toString()), Stream.of(args)).toList());
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", PATH);
        env.put("HOME", tmp.resolve("home").toString());
        return pb.directory(tmp.toFile()).redirectError(stderr.toFile());
    }

    @Test
    void pathHasNoJava25() throws Exception {
        for (String dir : PATH.split(File.pathSeparator)) {
            Path exe = Path.of(dir, "java");
            if (!Files.exists(exe)) continue;
            Process p = new ProcessBuilder(exe.toString(), "-XshowSettings:properties", "-version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            var m = java.util.regex.Pattern.compile("java\\.specification\\.version = (\\d+)").matcher(out);
            assertTrue(m.find(), exe + " -version:\n" + out);
            assertTrue(Integer.parseInt(m.group(1)) < 25, exe + " is Java " + m.group(1) + ": the test would not show that the archive needs no Java");
        }
    }

    @Test
    void predictRunsOnTheArchivesRuntime() throws Exception {
        Path text = Files.writeString(tmp.resolve("p.txt"), "When Mary and John went to the store, John gave a drink to");
        Path stderr = tmp.resolve("predict.err");
        Process p = noJava(stderr, "predict", "--text", text.toString()).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "predict ends");
        String err = Files.readString(stderr);
        assertEquals(0, p.exitValue(), "exit code; stderr:\n" + err);
        assertTrue(out.startsWith("model attn-only-2l,"), out);
        assertTrue(out.contains("' John'"), out);
        assertFalse(err.contains(INCUBATOR_WARNING), "the launcher drops the incubator notice: " + err);
        assertFalse(err.contains("[aot]"), "the start-up cache fits the archive's runtime: " + err);
    }

    @Test
    void lspAnswersAHoverOverStdio() throws Exception {
        Path stderr = tmp.resolve("lsp.err");
        Process p = noJava(stderr, "lsp").start();
        try {
            Launcher<LanguageServer> l = new Launcher.Builder<LanguageServer>().setLocalService(new SilentClient())
                    .setRemoteInterface(LanguageServer.class).setInput(p.getInputStream()).setOutput(p.getOutputStream()).create();
            l.startListening();
            LanguageServer s = l.getRemoteProxy();
            InitializeParams init = SilentClient.initializeParams();
            init.setProcessId((int) ProcessHandle.current().pid());
            assertTrue(s.initialize(init).get(2, TimeUnit.MINUTES).getCapabilities().getHoverProvider().getLeft());
            s.initialized(new InitializedParams());
            // Front matter too: the SnakeYAML reader runs on the image's modules.
            String uri = tmp.resolve("a.prompt").toUri().toString();
            String text = "---\ncircuitscope:\n  annotations: surprisal\n---\nIn the beginning God created the heaven and the earth.\n";
            s.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(uri, "prompt", 1, text)));
            Hover h = s.getTextDocumentService().hover(new HoverParams(new TextDocumentIdentifier(uri), new Position(4, 8)))
                    .get(2, TimeUnit.MINUTES);
            assertNotNull(h, "a hover on ' begin'; stderr:\n" + Files.readString(stderr));
            String card = h.getContents().getRight().getValue();
            assertTrue(card.contains("`\" begin\"`"), "the token ' begin': " + card);
            assertTrue(card.contains("surprisal"), card);
            // The card links the picture viewer (jdk.httpserver in the image): it serves the page.
            var link = java.util.regex.Pattern.compile("\\[Inspect L\\dH\\d]\\((http://127\\.0\\.0\\.1:\\d+/[^)]+)\\)").matcher(card);
            assertTrue(link.find(), "a viewer link in the card: " + card);
            try (var http = java.net.http.HttpClient.newHttpClient()) {
                var page = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(link.group(1))).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertEquals(200, page.statusCode(), link.group(1) + ": " + page.body());
                assertTrue(page.body().contains("<svg"), "the head's picture: " + page.body());
            }
            s.shutdown().get(1, TimeUnit.MINUTES);
            s.exit();
            assertTrue(p.waitFor(1, TimeUnit.MINUTES), "the server exits after exit");
            String err = Files.readString(stderr);
            assertEquals(0, p.exitValue(), "exit after shutdown is 0; stderr:\n" + err);
            assertFalse(err.contains(INCUBATOR_WARNING), err);
            assertFalse(err.contains("[aot]"), "the start-up cache fits the archive's runtime: " + err);
        } finally {
            if (p.isAlive()) p.destroyForcibly();
        }
    }
}

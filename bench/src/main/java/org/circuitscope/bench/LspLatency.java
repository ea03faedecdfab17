package org.circuitscope.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import com.google.gson.JsonObject;
import org.circuitscope.io.EmbeddedModel;
import org.circuitscope.io.ModelDirectory;
import org.circuitscope.lsp.CircuitscopeServer;
import org.circuitscope.lsp.LoopbackStreams;
import org.circuitscope.lsp.LspLauncher;
import org.circuitscope.model.ActFn;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.tokenizer.TokenizerJsonWriter;
import org.eclipse.lsp4j.*;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.services.LanguageServer;

/**
 * Editor-side latency of the language server, through a real LSP4J client (JSON-RPC
 * serialisation included): time from server start to the first hover on the last token of a
 * freshly opened ~1,000-token prompt, and hover latency right after a one-character edit at the end (back to
 * back, and at typing pace: each edit after the last one's pass is published) and at the start
 * of it (the time is edit → answer). A hover on the edited token reads only the positions before
 * it, so after an edit at the end the server answers it from the early run while the pass over
 * the new token runs; the time until that pass is published is measured too, as is the edit at
 * the start, which recomputes every position. The server runs in its own process, as an editor
 * starts it, when {@code -Dcircuitscope.bench.serverJar} names its jar; else in this JVM over a
 * loopback socket. Method and options: bench/README.md.
 *
 * <p>Usage: {@code java --add-modules jdk.incubator.vector -cp benchmarks.jar
 * org.circuitscope.bench.LspLatency [default|gpt2|both|MODEL_DIR] [endEdits] [startEdits]}.
 */
public final class LspLatency {
    private LspLatency() {}

    /**
     * A client that ignores what the server sends (progress, configuration → empty) but notes
     * when each document version's analysis was published (its diagnostics, sent after every
     * analysis).
     */
    static class QuietClient extends org.circuitscope.lsp.SilentClient {
        final java.util.concurrent.ConcurrentHashMap<String, CompletableFuture<Long>> published = new java.util.concurrent.ConcurrentHashMap<>();

        CompletableFuture<Long> publishedAt(String uri, int version) {
            return published.computeIfAbsent(uri + "#" + version, k -> new CompletableFuture<>());
        }

        @Override public void publishDiagnostics(PublishDiagnosticsParams p) {
            long now = System.nanoTime();
            p.getDiagnostics().forEach(d -> System.err.println("diagnostic: " + d.getMessage()));
            if (p.getVersion() != null) publishedAt(p.getUri(), p.getVersion()).complete(now);
        }
    }

    /** A server and the client talking to it; {@code process} is null for a server in this JVM. */
    record Session(LanguageServer remote, QuietClient client, long startNanos, Process process) {}

    /**
     * The server as an editor runs it, when {@code -Dcircuitscope.bench.serverJar} names the
     * server jar: its own process, started with the VS Code extension's command line, over
     * stdio. Then nothing of the client (its JSON-RPC, its threads, its JIT profile) shares the
     * server's JVM. Without it, the server runs in this JVM.
     */
    static final String SERVER_JAR = System.getProperty("circuitscope.bench.serverJar");

    static Session start(String modelDir) throws Exception {
        long t0 = System.nanoTime();
        java.io.InputStream in;
        java.io.OutputStream out;
        Process process = null;
        if (SERVER_JAR != null) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            process = new ProcessBuilder(LspColdStart.command(java, Path.of(SERVER_JAR).toAbsolutePath().toString(), null,
                    List.of(System.getProperty("circuitscope.bench.serverJvmArgs", "").split(" ")).stream().filter(a -> !a.isBlank()).toList(), Boolean.getBoolean("circuitscope.bench.serverFine")))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            in = process.getInputStream();
            out = process.getOutputStream();
        } else {
            LoopbackStreams streams = LoopbackStreams.open();
            LspLauncher.start(streams.serverIn(), streams.serverOut(), new CircuitscopeServer(code -> {}));
            in = streams.clientIn();
            out = streams.clientOut();
        }
        QuietClient client = new QuietClient();
        Launcher<LanguageServer> l = new Launcher.Builder<LanguageServer>().setLocalService(client)
                .setRemoteInterface(LanguageServer.class).setInput(in).setOutput(out).create();
        l.startListening();
        LanguageServer remote = l.getRemoteProxy();
        InitializeParams p = new InitializeParams();
        JsonObject settings = new JsonObject();
        if (modelDir != null) settings.addProperty("defaultModel", modelDir);
        p.setInitializationOptions(settings);
        p.setCapabilities(new ClientCapabilities());
        remote.initialize(p).get(60, TimeUnit.SECONDS);
        remote.initialized(new InitializedParams());
        return new Session(remote, client, t0, process);
    }

    static Hover hover(LanguageServer s, String uri, int line, int ch) throws Exception {
        return s.getTextDocumentService().hover(new HoverParams(new TextDocumentIdentifier(uri), new Position(line, ch))).get(600, TimeUnit.SECONDS);
    }

    /** English-like text of about {@code tokens} byte-level tokens (ASCII: one token per character). */
    static String text(int chars, long seed) {
        String[] words = {"the", "model", "attends", "to", "earlier", "tokens", "and", "copies", "what", "followed", "them", "before", "head", "circuit"};
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder b = new StringBuilder();
        while (b.length() < chars) b.append(words[r.nextInt(words.length)]).append(r.nextInt(12) == 0 ? ".\n" : " ");
        return b.substring(0, chars - 1) + "x";
    }

    static void run(String name, String modelDir, int chars, int endEdits, int startEdits) throws Exception {
        Session s = start(modelDir);
        String body = text(chars, 7);
        String uri = "file:///bench/" + name + ".prompt";
        var docs = s.remote().getTextDocumentService();
        int lines = (int) body.chars().filter(c -> c == '\n').count();
        String lastLine = body.substring(body.lastIndexOf('\n') + 1);
        long open = System.nanoTime();
        docs.didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(uri, "prompt", 1, body)));
        // On the last token: what it reads is the whole pass (every position before it, every layer).
        Hover h = hover(s.remote(), uri, lines, lastLine.length() - 1);
        long first = System.nanoTime();
        if (h == null) throw new IllegalStateException("no hover on " + name);
        System.out.printf("%s: server start → first hover on the last token %.0f ms (didOpen → first hover %.0f ms)%n", name, ms(first - s.startNanos()), ms(first - open));
        // A second document on the warm server: what a first hover costs once the model is loaded and the JIT warm.
        long open2 = System.nanoTime();
        String body2 = text(chars, 8);
        docs.didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(uri + "2", "prompt", 1, body2)));
        String lastLine2 = body2.substring(body2.lastIndexOf('\n') + 1);
        hover(s.remote(), uri + "2", (int) body2.chars().filter(c -> c == '\n').count(), lastLine2.length() - 1);
        System.out.printf("%s: second document, didOpen → first hover on the last token %.0f ms%n", name, ms(System.nanoTime() - open2));
        int version = 1;
        // Steady state: the kernels start scalar and switch to the Vector API once it is compiled (a race on a
        // background thread for a few seconds after start; the first hovers above ran during it).
        // (A server in its own process switches during the warm-up edits below.)
        if (s.process() == null) {
            long switchWait = System.nanoTime();
            while (org.circuitscope.tensor.Kernels.get().name().contains("until compiled") && System.nanoTime() - switchWait < 60_000_000_000L) {
                Thread.sleep(50);
            }
            System.out.printf("%s: kernels %s (waited %.1f s for the switch)%n", name, org.circuitscope.tensor.Kernels.get().name(), (System.nanoTime() - switchWait) / 1e9);
        }
        // Unmeasured edits first, as JMH warms up: a count and a time, both, of the two kinds measured below. The
        // first edits run while the JIT still compiles the edit and hover paths (the compiler threads share the two
        // cores with them); their latency is reported on its own, as the first minutes of a session.
        double[] cold = new double[WARM_UP_EDITS];
        long warmUntil = System.nanoTime() + (long) (WARM_UP_SECONDS * 1e9);
        int warmed = 0;
        for (; warmed < WARM_UP_EDITS || System.nanoTime() < warmUntil; warmed++) {
            int v = ++version;
            long sent = System.nanoTime();
            double t = editAtEndThenHover(s, uri, v, lines, lastLine, warmed);
            if (warmed < cold.length) {
                cold[warmed] = t;
                each("first", warmed, sent, t);
            }
            // Both paces below, so both are compiled: every other edit lets its pass finish and be published.
            if (warmed % 2 == 1) s.client().publishedAt(uri, v).get(600, TimeUnit.SECONDS);
        }
        if (cold.length > 0) System.out.printf("%s: edit at the end → hover, the first %d edits of the session: %s%n", name, cold.length, stats(cold));
        System.out.printf("%s: %d unmeasured edits in %.0f s of warm-up%n", name, warmed, WARM_UP_SECONDS);
        double[] end = new double[endEdits];
        for (int i = 0; i < endEdits; i++) {
            long t = System.nanoTime();
            end[i] = editAtEndThenHover(s, uri, ++version, lines, lastLine, i);
            each("end", i, t, end[i]);
        }
        // At typing pace: the same edit and hover, but the next edit only once this version's whole analysis is published
        // (its diagnostics): the pass over the new token, which the hover does not wait for, and what semantic tokens and
        // inlay hints show after it. Back to back above, every hover also shares the cores with the last edit's pass.
        double[] pass = new double[Math.max(1, endEdits / 2)], paced = new double[pass.length];
        for (int i = 0; i < pass.length; i++) {
            long t = System.nanoTime();
            int v = ++version;
            paced[i] = editAtEndThenHover(s, uri, v, lines, lastLine, i + 7);
            pass[i] = ms(s.client().publishedAt(uri, v).get(600, TimeUnit.SECONDS) - t);
            each("paced", i, t, paced[i]);
        }
        double[] start = new double[startEdits];
        for (int i = 0; i < startEdits; i++) {
            // Replaces the first character: every position is recomputed before the hover on the last token.
            Range r = new Range(new Position(0, 0), new Position(0, 1));
            long t = System.nanoTime();
            start[i] = editThenHover(s, uri, ++version, r, String.valueOf((char) ('A' + i % 26)), new Position(lines, lastLine.length() - 1));
            each("start", i, t, start[i]);
        }
        System.out.printf("%s: edit at the end → hover, back to back (each edit as soon as the last hover is answered): %s%n", name, stats(end));
        System.out.printf("%s: edit at the end → hover, at typing pace (each edit after the last one's pass): %s%n", name, stats(paced));
        System.out.printf("%s: edit at the end → whole analysis published: %s%n", name, stats(pass));
        if (startEdits > 0) System.out.printf("%s: edit at the start → hover: %s%n", name, stats(start));
        s.remote().shutdown().get(30, TimeUnit.SECONDS);
        s.remote().exit();
        if (s.process() != null) s.process().waitFor(30, TimeUnit.SECONDS);
    }

    /** Replaces the last character (one token changes, the new token is the last), then hovers on it: edit → answer in ms. */
    static double editAtEndThenHover(Session s, String uri, int version, int lines, String lastLine, int i) throws Exception {
        Range r = new Range(new Position(lines, lastLine.length() - 1), new Position(lines, lastLine.length()));
        return editThenHover(s, uri, version, r, String.valueOf((char) ('a' + i % 26)), new Position(lines, lastLine.length() - 1));
    }

    /** Sends one change, then at once a hover at {@code at}: the time from sending the change to the answer, in ms. */
    static double editThenHover(Session s, String uri, int version, Range r, String text, Position at) throws Exception {
        long t = System.nanoTime();
        s.remote().getTextDocumentService().didChange(new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(uri, version),
                List.of(new TextDocumentContentChangeEvent(r, text))));
        if (hover(s.remote(), uri, at.getLine(), at.getCharacter()) == null) throw new IllegalStateException("no hover after an edit");
        return ms(System.nanoTime() - t);
    }

    /**
     * With {@code -Dcircuitscope.bench.each=true}, one line per measured edit: series, index, when
     * it was sent ({@link System#nanoTime()} in seconds: CLOCK_MONOTONIC on Linux, the clock of
     * {@code perf record -k CLOCK_MONOTONIC}, so a slow hover can be found in a system trace) and ms.
     */
    static void each(String series, int i, long sentNanos, double ms) {
        if (EACH) System.out.printf("each %s %d %.6f %.2f%n", series, i, sentNanos / 1e9, ms);
    }

    static final boolean EACH = Boolean.getBoolean("circuitscope.bench.each");

    /** Edits at the end made (and answered) before the measured ones: at least this many, for at least this long. */
    static final int WARM_UP_EDITS = Integer.getInteger("circuitscope.bench.warmUpEdits", 100);
    static final double WARM_UP_SECONDS = Double.parseDouble(System.getProperty("circuitscope.bench.warmUpSeconds", "30"));

    static double ms(long nanos) { return nanos / 1e6; }

    static String stats(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return String.format("n=%d p50 %.1f ms, p99 %.1f ms, min %.1f ms, max %.1f ms", s.length, pct(s, 0.5), pct(s, 0.99), s[0], s[s.length - 1]);
    }

    /** Nearest-rank percentile. */
    static double pct(double[] sorted, double p) {
        return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
    }

    /** GPT-2 small's shape with random weights and the byte-level tokenizer (257 ids ≤ d_vocab 50257). */
    static Path gpt2Shaped() throws Exception {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "circuitscope-bench-gpt2-shape");
        if (Files.isRegularFile(dir.resolve(ModelDirectory.TOKENIZER))) return dir;
        ModelConfig cfg = new ModelConfig("gpt2-small-shape", 12, 768, 12, 64, 3072, 50257, 1024, ActFn.GELU_NEW, Normalization.LN, false, 1e-5, true);
        ModelDirectory.save(dir, RandomWeights.generate(cfg, 1234, 0.02), "F32");
        TokenizerJsonWriter.write(dir.resolve(ModelDirectory.TOKENIZER), List.of());
        return dir;
    }

    public static void main(String[] args) {
        try {
            measure(args);
            System.exit(0);
        } catch (Exception | Error e) {
            e.printStackTrace();
            System.exit(1); // the LSP threads would keep a failed run alive
        }
    }

    static void measure(String[] args) throws Exception {
        String which = args.length > 0 ? args[0] : "both";
        int endEdits = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int startEdits = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        System.out.printf("cores %d, load average %.2f%n", Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        if (which.equals("probe")) {
            // Where a cold start's time goes (not part of the measured runs: it warms what they measure).
            long t = System.nanoTime();
            var m = ModelDirectory.load(EmbeddedModel.directory());
            long t1 = System.nanoTime();
            m.tokenizer().orElseThrow().encode(text(600, 7));
            long t2 = System.nanoTime();
            int[] ids = m.tokenizer().orElseThrow().encode(text(600, 7)).ids();
            m.transformer().runWithCache(ids);
            long t3 = System.nanoTime();
            m.transformer().runWithCache(ids);
            long t4 = System.nanoTime();
            System.out.printf("load %.0f ms, first encode %.0f ms, first forward %.0f ms, second forward %.0f ms%n", ms(t1 - t), ms(t2 - t1), ms(t3 - t2), ms(t4 - t3));
        }
        if (which.equals("default") || which.equals("both")) {
            // No model setting: the embedded attn-only-2l. Its context is 256 tokens, so its prompt is ~800 characters
            // (~230 tokens of its BPE) rather than 1,000 tokens, which it would analyse only up to the context.
            System.out.println("default model: " + EmbeddedModel.directory());
            run("default", null, 600, endEdits, startEdits);
        }
        if (which.equals("gpt2") || which.equals("both")) {
            run("gpt2-small-shape", gpt2Shaped().toString(), 1000, endEdits, startEdits);
        }
        if (Files.isDirectory(Path.of(which))) {
            // Any model directory (a family's random model from bench/family-compare.sh, a checkpoint).
            run(Path.of(which).getFileName().toString(), Path.of(which).toAbsolutePath().toString(), 1000, endEdits, startEdits);
        }
    }
}

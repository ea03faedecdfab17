package org.circuitscope.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.*;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.services.LanguageServer;

/**
 * What a user waits for when the editor starts the language server: the server is spawned as
 * a separate process with the command line the VS Code extension uses, an LSP4J client talks
 * to it over the process's stdin/stdout, and each run times spawn → {@code initialize}
 * answered and spawn → the first hover answered. The prompt (~600 characters, no model
 * setting, so the embedded attn-only-2l) is opened right after {@code initialized}, and the
 * hover asks for a token on its last line, so the whole prompt must have been analysed.
 * Every run is a fresh process.
 *
 * <p>Usage: {@code java -cp benchmarks.jar org.circuitscope.bench.LspColdStart [--runs N]
 * [--jar server/target/circuitscope.jar] [--java PATH] [--breakdown] [--launcher FILE]
 * [--jvm-options server/jvm.options] [--aot-cache FILE] [--model gpt2|DIR] [--chars N] [--jvm-arg ARG]...}.
 * {@code --model} names the default model as a user's setting does ({@code gpt2}: LspLatency's
 * random model of GPT-2 small's shape with a byte-level tokenizer) and makes the prompt 1,000
 * characters unless {@code --chars} says otherwise. {@code --jvm-options}
 * is the file of the server's JVM options that the launcher and the extension read too (its
 * language server lines are used). {@code --aot-cache} uses a start-up cache as the
 * extension does (made first when missing: the server would make it in the background on its
 * first start). {@code --breakdown} starts the server with {@code --log-level FINE}
 * and prints its log lines stamped with the time since spawn (the stamps are when the line
 * reached the client). {@code --launcher} spawns {@code FILE lsp} (e.g. the {@code ./circuitscope}
 * script, or a release archive's {@code bin/circuitscope}) instead of java; given more than once,
 * the launchers take turns within each round, so they are compared side by side under the same
 * load, and each gets its own medians. {@code --jvm-arg} adds a JVM option before {@code -jar}, for experiments.
 */
public final class LspColdStart {
    private LspColdStart() {}

    record Run(double initializeMs, double hoverMs, double cpuMs, List<String> log) {}

    /** The JVM options file, relative to the repository root, where the benchmarks run. */
    static final Path JVM_OPTIONS = Path.of("server/jvm.options");

    /** {@link #command(String, String, List, Path, List, boolean)} with the options of {@link #JVM_OPTIONS} (as LspLatency starts the server). */
    static List<String> command(String java, String jar, Path aotCache, List<String> jvmArgs, boolean fine) {
        try {
            return command(java, jar, jvmOptions(JVM_OPTIONS, transparentHugePages()), aotCache, jvmArgs, fine);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the JVM options " + JVM_OPTIONS.toAbsolutePath() + " (run from the repository root)", e);
        }
    }

    /**
     * The extension's command line (vscode-extension/src/java.ts, serverArgs): the options of the
     * file, with {@code aotCache} its start-up cache options (loaded when the file exists), then any
     * extra JVM options.
     */
    static List<String> command(String java, String jar, List<String> jvmOptions, Path aotCache, List<String> jvmArgs, boolean fine) {
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(jvmOptions);
        if (aotCache != null) {
            if (Files.exists(aotCache)) cmd.add("-XX:AOTCache=" + aotCache);
            cmd.add("-Dcircuitscope.aotCache=" + aotCache);
        }
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-jar", jar, "lsp"));
        if (fine) cmd.addAll(List.of("--log-level", "FINE"));
        return cmd;
    }

    /**
     * The language server's options in a server/jvm.options file (its header explains the format;
     * jvmOptions.ts in the extension and the launcher read it the same way): the lines whose
     * condition holds, each option's words in order.
     */
    static List<String> jvmOptions(Path file, boolean thp) throws java.io.IOException {
        List<String> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] words = line.split("\\s+");
            boolean holds = true;
            for (String c : words[0].split("\\+")) {
                holds &= switch (c) {
                    case "all", "lsp" -> true;
                    case "batch" -> false;
                    case "thp" -> thp;
                    default -> throw new IllegalArgumentException(file + ":" + (i + 1) + ": unknown condition '" + c + "' (all, lsp, batch, thp, joined with +)");
                };
            }
            if (holds) out.addAll(Arrays.asList(words).subList(1, words.length));
        }
        return out;
    }

    /** As the extension decides (java.ts, transparentHugePages): Linux allows them, always or on madvise. */
    static boolean transparentHugePages() {
        try {
            return java.util.regex.Pattern.compile("\\[(always|madvise)]")
                    .matcher(Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/enabled"))).find();
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    static Run once(List<String> cmd, String body, String modelDir) throws Exception {
        List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).start();
        Thread err = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    // SimpleFormatter's first line of a record is the wall-clock date and the logger: noise here.
                    if (!line.matches("^[A-Z][a-z]{2} \\d{1,2}, \\d{4} .*")) log.add(stamp(t0, line));
                }
            } catch (java.io.IOException ignored) {
                // The process ended.
            }
        }, "server-stderr");
        err.setDaemon(true);
        err.start();
        try {
            // What the server sends while it starts goes into the breakdown too (diagnostics: an analysis is done).
            LspLatency.QuietClient client = new LspLatency.QuietClient() {
                @Override public void publishDiagnostics(PublishDiagnosticsParams d) { log.add(stamp(t0, "client: diagnostics for version " + d.getVersion())); }
                @Override public void notifyProgress(ProgressParams pp) {
                    Object v = pp.getValue().isLeft() ? pp.getValue().getLeft() : pp.getValue().getRight();
                    log.add(stamp(t0, "client: progress " + (v instanceof WorkDoneProgressBegin b ? "begin " + b.getTitle() : v instanceof WorkDoneProgressEnd ? "end" : "report")));
                }
            };
            Launcher<LanguageServer> l = new Launcher.Builder<LanguageServer>().setLocalService(client)
                    .setRemoteInterface(LanguageServer.class).setInput(p.getInputStream()).setOutput(p.getOutputStream()).create();
            l.startListening();
            LanguageServer remote = l.getRemoteProxy();
            InitializeParams init = org.circuitscope.lsp.SilentClient.initializeParams();
            init.setProcessId((int) ProcessHandle.current().pid());
            init.setClientInfo(new ClientInfo("LspColdStart"));
            if (modelDir != null) {
                // The default model as a user's setting names it (LspLatency does the same).
                com.google.gson.JsonObject settings = new com.google.gson.JsonObject();
                settings.addProperty("defaultModel", modelDir);
                init.setInitializationOptions(settings);
            }
            remote.initialize(init).get(120, TimeUnit.SECONDS);
            long initialized = System.nanoTime();
            log.add(stamp(t0, "client: initialize answered"));
            remote.initialized(new InitializedParams());
            String uri = "file:///bench/cold.prompt";
            remote.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(uri, "prompt", 1, body)));
            String[] lines = body.split("\n", -1);
            int last = lines.length - 1;
            int ch = Math.max(0, lines[last].length() - 1);
            Hover h = LspLatency.hover(remote, uri, last, ch);
            long hovered = System.nanoTime();
            // CPU time of the server (all its threads) up to the answer: less disturbed by a busy machine than wall time.
            double cpu = p.info().totalCpuDuration().map(d -> d.toNanos() / 1e6).orElse(Double.NaN);
            log.add(stamp(t0, "client: hover answered"));
            if (h == null) throw new IllegalStateException("no hover at " + last + ":" + ch + "; server log:\n" + String.join("\n", log));
            remote.shutdown().get(30, TimeUnit.SECONDS);
            remote.exit();
            p.waitFor(30, TimeUnit.SECONDS);
            err.join(2000);
            return new Run(LspLatency.ms(initialized - t0), LspLatency.ms(hovered - t0), cpu, List.copyOf(log));
        } finally {
            p.destroyForcibly();
        }
    }

    public static void main(String[] args) throws Exception {
        int runs = 7;
        String jar = "server/target/circuitscope.jar";
        String javaExe = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> launchers = new ArrayList<>();
        Path options = JVM_OPTIONS;
        boolean breakdown = false;
        List<String> jvmArgs = new ArrayList<>();
        Path aotCache = null;
        String modelDir = null;
        int chars = 600;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--jar" -> jar = args[++i];
                case "--java" -> javaExe = args[++i];
                case "--launcher" -> launchers.add(args[++i]);
                case "--jvm-options" -> options = Path.of(args[++i]);
                case "--breakdown" -> breakdown = true;
                case "--jvm-arg" -> jvmArgs.add(args[++i]);
                case "--aot-cache" -> aotCache = Path.of(args[++i]).toAbsolutePath();
                case "--model" -> {
                    String m = args[++i];
                    modelDir = m.equals("gpt2") ? LspLatency.gpt2Shaped().toString() : Path.of(m).toAbsolutePath().toString();
                    if (chars == 600) chars = 1000;
                }
                case "--chars" -> chars = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (--runs N, --jar FILE, --java FILE, --launcher FILE, --jvm-options FILE, --aot-cache FILE, --model gpt2|DIR, --chars N, --breakdown, --jvm-arg ARG)");
            }
        }
        String launcher = launchers.isEmpty() ? null : launchers.getFirst();
        jar = Path.of(jar).toAbsolutePath().toString(); // as the extension passes it (an AOT cache records the class path)
        if (launcher == null && !Files.isRegularFile(Path.of(jar))) throw new IllegalArgumentException("no server jar at " + jar + " (--jar FILE)");
        if (launcher == null && !Files.isRegularFile(options)) {
            throw new IllegalArgumentException("no JVM options file at " + options.toAbsolutePath() + " (--jvm-options FILE; run from the repository root)");
        }
        List<String> jvmOptions = launcher == null ? jvmOptions(options, transparentHugePages()) : List.of();
        if (launcher == null && aotCache != null && !Files.exists(aotCache)) {
            // What the server does in the background on its first start, done here up front so every run loads it.
            List<String> train = new ArrayList<>(command(javaExe, jar, jvmOptions, null, jvmArgs, false));
            train.subList(train.size() - 3, train.size()).clear();
            train.addAll(List.of("-XX:AOTCacheOutput=" + aotCache, "-jar", jar, "aot-train"));
            System.out.println("making the start-up cache: " + String.join(" ", train));
            Files.createDirectories(aotCache.getParent());
            Path log = Files.createTempFile("circuitscope-aot-training", ".log");
            int rc = new ProcessBuilder(train).redirectErrorStream(true).redirectOutput(log.toFile()).start().waitFor();
            if (rc != 0 || !Files.exists(aotCache)) throw new IllegalStateException("the training run failed (exit " + rc + "); its output is in " + log);
        }
        List<List<String>> cmds = new ArrayList<>();
        if (launcher == null) cmds.add(command(javaExe, jar, jvmOptions, aotCache, jvmArgs, breakdown));
        for (String each : launchers) cmds.add(breakdown ? List.of(each, "lsp", "--log-level", "FINE") : List.of(each, "lsp"));
        String body = LspLatency.text(chars, 7);
        System.out.printf("cores %d, load average %.2f%n", Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        for (List<String> cmd : cmds) System.out.println("server: " + String.join(" ", cmd));
        if (modelDir != null) System.out.println("model: " + modelDir);
        System.out.printf("prompt: %d characters, %d lines; hover on the last line%n", body.length(), body.split("\n", -1).length);
        int n = cmds.size();
        double[][] init = new double[n][runs], hover = new double[n][runs], cpu = new double[n][runs];
        for (int i = 0; i < runs; i++) {
            for (int c = 0; c < n; c++) {
                Run r = once(cmds.get(c), body, modelDir);
                init[c][i] = r.initializeMs();
                hover[c][i] = r.hoverMs();
                cpu[c][i] = r.cpuMs();
                System.out.printf("run %d%s: spawn → initialize %.0f ms, spawn → first hover %.0f ms (server CPU %.0f ms)%n",
                        i + 1, n > 1 ? " " + cmds.get(c).getFirst() : "", r.initializeMs(), r.hoverMs(), r.cpuMs());
                if (breakdown) r.log().forEach(line -> System.out.println("    " + line));
            }
        }
        for (int c = 0; c < n; c++) {
            if (n > 1) System.out.println(cmds.get(c).getFirst() + ":");
            System.out.printf("spawn → initialize:  median %.0f ms, min %.0f ms%n", median(init[c]), Arrays.stream(init[c]).min().orElseThrow());
            System.out.printf("spawn → first hover: median %.0f ms, min %.0f ms%n", median(hover[c]), Arrays.stream(hover[c]).min().orElseThrow());
            System.out.printf("server CPU time to the hover: median %.0f ms%n", median(cpu[c]));
        }
        System.out.printf("load average after: %.2f%n", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.exit(0);
    }

    static String stamp(long t0, String line) {
        return String.format("%7.0f ms  %s", LspLatency.ms(System.nanoTime() - t0), line);
    }

    static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}

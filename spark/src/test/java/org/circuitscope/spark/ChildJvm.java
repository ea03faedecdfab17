package org.circuitscope.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Java process started by a test (a Spark master, worker or submitted driver), its output in a
 * log file. Closing kills it and everything it started (a worker's executors), and a JVM shutdown
 * hook does the same if the test JVM exits first: no Spark process outlives the test.
 */
final class ChildJvm implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;
    private final Thread reaper;

    private ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.reaper = new Thread(this::kill, "kill-" + name);
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /** Starts {@code java [jvmOptions] mainClass args} on {@code classPath}, stdout and stderr to {@code log}. */
    static ChildJvm start(String name, List<String> classPath, List<String> jvmOptions, String mainClass,
                          List<String> args, Map<String, String> env, Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(String.join(java.io.File.pathSeparator, classPath));
        cmd.add(mainClass);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return new ChildJvm(name, pb.start(), log);
    }

    /** Waits until a line of the log matches; returns the match, or fails naming the log's tail. */
    Matcher awaitLog(Pattern pattern, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = pattern.matcher(Files.readString(log));
            if (m.find()) return m;
            if (!process.isAlive()) throw new IllegalStateException(name + " exited (" + process.exitValue() + ") before logging /" + pattern + "/:\n" + tail());
            Thread.sleep(200);
        }
        throw new IllegalStateException(name + " did not log /" + pattern + "/ in " + timeout + ":\n" + tail());
    }

    /** Waits for the process to exit and returns its exit code; fails (and kills it) on timeout. */
    int awaitExit(Duration timeout) throws InterruptedException, IOException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
            throw new IllegalStateException(name + " still running after " + timeout + ":\n" + tail());
        }
        return process.exitValue();
    }

    /** The log's first errors and its last lines, for failure messages. */
    String tail() throws IOException {
        List<String> lines = Files.readAllLines(log);
        List<String> errors = lines.stream().filter(l -> l.contains(" ERROR ") || l.startsWith("Caused by") || l.contains("Exception:")).limit(15).toList();
        return "first errors of " + log + ":\n" + String.join("\n", errors)
                + "\n... last lines:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
    }

    private void kill() {
        // Children first: a worker's executors would otherwise wait for a worker that is gone.
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run: nothing left to remove
        }
    }
}

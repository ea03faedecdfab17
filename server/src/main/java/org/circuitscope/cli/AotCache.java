package org.circuitscope.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The JDK's ahead-of-time cache of this jar (JEP 483/514/515: classes loaded and linked, and
 * method profiles, from a training run), which makes the server start sooner. The launchers
 * ({@code ./circuitscope}, the VS Code extension) choose the file, keyed to the jar and the
 * JDK, pass it as {@code -Dcircuitscope.aotCache=FILE}, and add {@code -XX:AOTCache=FILE} once
 * it exists. When it does not, the server makes it in the background: a child JVM with the same
 * options runs {@code aot-train} (a language-server session in one process) with
 * {@code -XX:AOTCacheOutput}, and the result is moved into place. The JDK checks a cache
 * against the jar and runs without it when they differ, so a cache can only be unused, never wrong.
 */
final class AotCache {
    private static final Logger LOG = Logger.getLogger(AotCache.class.getName());
    static final String PROPERTY = "circuitscope.aotCache";

    private AotCache() {}

    /** The cache file to make: the one the launcher named, unless it exists or a try failed in the last day. */
    static Optional<Path> wanted(String property) {
        if (property == null || property.isBlank()) return Optional.empty();
        Path p = Path.of(property);
        if (Files.exists(p) || failedRecently(failedMarker(p))) return Optional.empty();
        return Optional.of(p);
    }

    /** A training run failed less than a day ago: not every start should pay for another. */
    private static boolean failedRecently(Path marker) {
        try {
            return Files.getLastModifiedTime(marker).toMillis() > System.currentTimeMillis() - TimeUnit.DAYS.toMillis(1);
        } catch (IOException e) {
            return false;
        }
    }

    /** Written when a training run failed, so that the next starts do not try again at once. */
    static Path failedMarker(Path cache) { return cache.resolveSibling(cache.getFileName() + ".failed"); }

    /**
     * The training run's command line: this JVM's options without the cache ones (the cache
     * records them, and a run must use the same to use it), writing {@code output}.
     */
    static List<String> trainingCommand(String java, List<String> jvmOptions, String jar, Path output) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        for (String o : jvmOptions) {
            if (o.startsWith("-XX:AOTCache") || o.startsWith("-XX:AOTMode") || o.startsWith("-D" + PROPERTY + "=")) continue;
            cmd.add(o);
        }
        cmd.add("-XX:AOTCacheOutput=" + output);
        cmd.addAll(List.of("-jar", jar, AotTrainCommand.NAME));
        return cmd;
    }

    /**
     * {@code cmd} under {@code nice -n 19} where {@code nice} exists: the training run is a
     * second JVM busy for seconds beside the editor that just started the server, and on a
     * machine with few cores it should take only the CPU nobody else wants.
     */
    static List<String> atLowPriority(List<String> cmd, Optional<Path> nice) {
        if (nice.isEmpty()) return cmd;
        List<String> out = new ArrayList<>(List.of(nice.get().toString(), "-n", "19"));
        out.addAll(cmd);
        return out;
    }

    /** The {@code nice} program on {@code PATH}, if any (none on Windows). */
    static Optional<Path> nice(String pathVariable) {
        if (pathVariable == null) return Optional.empty();
        for (String dir : pathVariable.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, "nice");
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    /** Makes {@code cache} with a training run of this jar; false (and a marker) when that failed. */
    static boolean create(Path cache) {
        try {
            Files.createDirectories(cache.getParent());
            removeAbandoned(cache.getParent(), System.currentTimeMillis());
            Path tmp = Files.createTempFile(cache.getParent(), cache.getFileName().toString(), ".tmp");
            Files.delete(tmp);
            String jar = Path.of(AotCache.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            String javaExe = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = atLowPriority(
                    trainingCommand(javaExe, java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments(), jar, tmp),
                    nice(System.getenv("PATH")));
            Path log = cache.resolveSibling(cache.getFileName() + ".log");
            LOG.info(() -> "creating the start-up cache " + cache + " (once for this jar; log in " + log + ")");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            p.getOutputStream().close();
            boolean done = p.waitFor(TRAINING_LIMIT_MIN, TimeUnit.MINUTES);
            if (!done) p.destroyForcibly();
            if (done && p.exitValue() == 0 && Files.size(tmp) > 0) {
                Files.move(tmp, cache, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                LOG.info(() -> "start-up cache ready: " + cache);
                return true;
            }
            Files.deleteIfExists(tmp);
            Files.writeString(failedMarker(cache), "training run " + cmd + " " + (done ? "exited " + p.exitValue() : "timed out") + "; see " + log + "\n");
            LOG.warning(() -> "could not create the start-up cache (see " + log + "); the server runs without it");
            return false;
        } catch (IOException | RuntimeException | java.net.URISyntaxException e) {
            LOG.log(Level.WARNING, "could not create the start-up cache " + cache + "; the server runs without it", e);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Age from which a training run's temporary output (and the JDK's {@code .tmp.config} beside
     * it) was abandoned: its server exited before the run ended, and nobody moves it into place.
     * A server gives its run {@value #TRAINING_LIMIT_MIN} minutes; an hour leaves any run still
     * going alone. (A day, before: a developer's or a test machine, whose servers often live less
     * than a run, gathered tens of 29 MB files.)
     */
    static final long ABANDONED_AFTER_MS = TimeUnit.HOURS.toMillis(1);
    static final int TRAINING_LIMIT_MIN = 10;

    /** Removes the temporary outputs in {@code dir} last written {@link #ABANDONED_AFTER_MS} before {@code nowMillis}. */
    static void removeAbandoned(Path dir, long nowMillis) throws IOException {
        long before = nowMillis - ABANDONED_AFTER_MS;
        try (var s = Files.newDirectoryStream(dir, "{*.tmp,*.tmp.config}")) {
            for (Path p : s) if (Files.getLastModifiedTime(p).toMillis() < before) Files.deleteIfExists(p);
        }
    }

    /** {@link #create} on a daemon thread after {@code delayMs}, out of the way of the server's own start. */
    static void createLater(Path cache, long delayMs) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(delayMs);
            } catch (InterruptedException e) {
                return;
            }
            if (!Files.exists(cache)) create(cache);
        }, "circuitscope-aot-cache");
        t.setDaemon(true);
        t.start();
    }
}

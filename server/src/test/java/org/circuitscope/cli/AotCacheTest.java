package org.circuitscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AotCacheTest {

    @Test
    void aCacheIsWantedOnlyWhenNamedMissingAndNotFailedBefore(@TempDir Path dir) throws Exception {
        Path c = dir.resolve("server-1.aot");
        assertEquals(Optional.empty(), AotCache.wanted(null));
        assertEquals(Optional.empty(), AotCache.wanted(" "));
        assertEquals(Optional.of(c), AotCache.wanted(c.toString()));
        Files.writeString(AotCache.failedMarker(c), "failed");
        assertEquals(Optional.empty(), AotCache.wanted(c.toString()), "a failed training run is not repeated at every start");
        Files.setLastModifiedTime(AotCache.failedMarker(c), java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 25L * 3600 * 1000));
        assertEquals(Optional.of(c), AotCache.wanted(c.toString()), "but it is tried again a day later");
        Files.delete(AotCache.failedMarker(c));
        Files.write(c, new byte[] {1});
        assertEquals(Optional.empty(), AotCache.wanted(c.toString()), "an existing cache is not made again");
    }

    @Test
    void temporaryOutputsOfRunsWhoseServerExitedAreRemovedAfterAnHour(@TempDir Path dir) throws Exception {
        long now = System.currentTimeMillis();
        Path old = Files.writeString(dir.resolve("server-1.aot123.tmp"), "abandoned");
        Path oldConfig = Files.writeString(dir.resolve("server-1.aot123.tmp.config"), "abandoned");
        Path running = Files.writeString(dir.resolve("server-2.aot456.tmp"), "a run still going");
        Path cache = Files.writeString(dir.resolve("server-3.aot"), "a cache");
        Path log = Files.writeString(dir.resolve("server-3.aot.log"), "its log");
        var twoHoursAgo = java.nio.file.attribute.FileTime.fromMillis(now - 2 * 3_600_000L);
        for (Path p : List.of(old, oldConfig, cache, log)) Files.setLastModifiedTime(p, twoHoursAgo);
        Files.setLastModifiedTime(running, java.nio.file.attribute.FileTime.fromMillis(now - AotCache.TRAINING_LIMIT_MIN * 60_000L));

        AotCache.removeAbandoned(dir, now);

        assertTrue(Files.notExists(old) && Files.notExists(oldConfig), "an output two hours old was abandoned");
        assertTrue(Files.exists(running), "a run within its time limit is left alone");
        assertTrue(Files.exists(cache) && Files.exists(log), "caches and logs are not temporary outputs");
    }

    @Test
    void theTrainingRunIsAWholeSessionOnTheEmbeddedModel() {
        java.io.StringWriter out = new java.io.StringWriter(), err = new java.io.StringWriter();
        int code = Main.run(new String[] {AotTrainCommand.NAME}, new java.io.PrintWriter(out), new java.io.PrintWriter(err));
        assertEquals(0, code, "aot-train failed: " + err);
    }

    @Test
    void theTrainingRunKeepsTheServersOptionsButNotItsCacheOnes() {
        List<String> cmd = AotCache.trainingCommand("/jdk/bin/java",
                List.of("--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC", "-XX:AOTCache=/c/old.aot", "-Dcircuitscope.aotCache=/c/s.aot", "-Dx=1", "-Xlog:disable"),
                "/x/circuitscope.jar", Path.of("/c/s.aot.tmp"));
        assertEquals(List.of("/jdk/bin/java", "--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC", "-Dx=1", "-Xlog:disable",
                "-XX:AOTCacheOutput=" + Path.of("/c/s.aot.tmp"), "-jar", "/x/circuitscope.jar", "aot-train"), cmd);
        assertTrue(cmd.stream().noneMatch(o -> o.startsWith("-XX:AOTCache=")), "AOTCache and AOTCacheOutput together stop the JVM");
    }

    @Test
    void theTrainingRunGoesUnderNiceWhereThereIsOne(@TempDir Path dir) throws Exception {
        List<String> cmd = List.of("/jdk/bin/java", "-jar", "/x/circuitscope.jar", "aot-train");
        assertEquals(cmd, AotCache.atLowPriority(cmd, Optional.empty()));
        assertEquals(List.of("/usr/bin/nice", "-n", "19", "/jdk/bin/java", "-jar", "/x/circuitscope.jar", "aot-train"),
                AotCache.atLowPriority(cmd, Optional.of(Path.of("/usr/bin/nice"))));

        Path empty = Files.createDirectory(dir.resolve("empty")), bin = Files.createDirectory(dir.resolve("bin"));
        Path nice = Files.writeString(bin.resolve("nice"), "#!/bin/sh\nexec \"$@\"\n");
        String path = empty + java.io.File.pathSeparator + bin;
        assertEquals(Optional.empty(), AotCache.nice(path), "a file that cannot be run is not a nice to use");
        assertTrue(nice.toFile().setExecutable(true));
        assertEquals(Optional.of(nice), AotCache.nice(path));
        assertEquals(Optional.empty(), AotCache.nice(empty.toString()));
        assertEquals(Optional.empty(), AotCache.nice(null));
    }
}

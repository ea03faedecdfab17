package org.circuitscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.circuitscope.scan.ScanOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job as a user submits it: a Spark standalone master and worker on 127.0.0.1 (child JVMs
 * from the build's Spark home), the job jar that {@code mvn package} builds submitted with
 * SparkSubmit, the scan run by an executor JVM the worker starts, and its output equal to the
 * single-machine scan.
 */
class ScanJobStandaloneIT {
    private static final Path SPARK_HOME = Path.of(System.getProperty("circuitscope.spark.home", "target/spark-home"));
    private static final Path JOB_JAR = Path.of(System.getProperty("circuitscope.spark.jobJar", "target/circuitscope-spark.jar"));

    @Test
    void aStandaloneClusterRunsTheSubmittedJobAndWritesTheSingleMachineResult(@TempDir Path dir) throws Exception {
        assertTrue(Files.isDirectory(SPARK_HOME.resolve("jars")), SPARK_HOME + "/jars is missing: run mvn package first");
        assertTrue(Files.isRegularFile(JOB_JAR), JOB_JAR + " is missing: run mvn package first");
        Path corpus = ScanComparison.hebrewsJsonl(dir);
        Path out = dir.resolve("out");
        List<String> jobArgs = List.of("--model", ScanComparison.GELU_2L.toString(), "--out", out.toString(),
                "--context", "96", "--stride", "48", "--top-k", "8", corpus.toString());

        try (StandaloneCluster cluster = StandaloneCluster.start(SPARK_HOME, dir, 2)) {
            ChildJvm driver = cluster.submit("driver", Stream.concat(Stream.of(
                    "--class", "org.circuitscope.spark.ScanJob",
                    "--conf", "spark.driver.host=127.0.0.1",
                    "--conf", "spark.driver.bindAddress=127.0.0.1",
                    "--conf", "spark.executor.memory=1g",
                    JOB_JAR.toAbsolutePath().toString()), jobArgs.stream()).toList());
            assertEquals(0, driver.awaitExit(Duration.ofMinutes(5)), "the driver failed:\n" + driver.tail() + cluster.executorLogs());
            driver.awaitLog(Pattern.compile("ScanJob: scanned 10 documents, \\d+ tokens in 8 partitions"), Duration.ofSeconds(1));
            // The documents were scanned by an executor the worker started, not by the driver.
            try (Stream<Path> files = Files.walk(dir.resolve("worker"))) {
                assertTrue(files.anyMatch(p -> p.getFileName().toString().equals("stderr") && p.toString().contains("app-")),
                        "no executor log under the worker's work dir");
            }
        }

        ScanComparison.assertSameScan(ScanComparison.singleMachine(ScanComparison.GELU_2L, ScanJobArgs.parse(jobArgs.toArray(String[]::new))),
                ScanOutput.read(out));
    }
}

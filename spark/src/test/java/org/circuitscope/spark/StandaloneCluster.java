package org.circuitscope.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A real Spark standalone cluster on 127.0.0.1: a master and one worker as child JVMs started from
 * the build's Spark home (spark/target/spark-home: Spark's jars from Maven, conf/ with the JVM
 * flags), on ephemeral ports. Drivers are submitted with SparkSubmit, as {@code spark-submit} does.
 */
final class StandaloneCluster implements AutoCloseable {
    private static final Duration START = Duration.ofSeconds(90);
    private final Path sparkHome;
    private final Path dir;
    private final List<ChildJvm> processes = new ArrayList<>();
    private String masterUrl;

    private StandaloneCluster(Path sparkHome, Path dir) {
        this.sparkHome = sparkHome;
        this.dir = dir;
    }

    /** Starts a master and a worker with {@code cores} cores; returns once the worker has registered. */
    static StandaloneCluster start(Path sparkHome, Path dir, int cores) throws IOException, InterruptedException {
        var cluster = new StandaloneCluster(sparkHome, dir);
        try {
            cluster.startDaemons(cores);
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void startDaemons(int cores) throws IOException, InterruptedException {
        ChildJvm master = spawn("master", List.of("-Xmx256m"), "org.apache.spark.deploy.master.Master",
                List.of("--host", "127.0.0.1", "--port", "0", "--webui-port", "0"));
        masterUrl = master.awaitLog(Pattern.compile("Starting Spark master at (spark://127\\.0\\.0\\.1:\\d+)"), START).group(1);
        Path work = Files.createDirectories(dir.resolve("worker"));
        ChildJvm worker = spawn("worker", List.of("-Xmx256m"), "org.apache.spark.deploy.worker.Worker",
                List.of("--host", "127.0.0.1", "--port", "0", "--webui-port", "0", "--cores", Integer.toString(cores),
                        "--memory", "2g", "--work-dir", work.toString(), masterUrl));
        worker.awaitLog(Pattern.compile("Successfully registered with master"), START);
    }

    String masterUrl() { return masterUrl; }

    /** Runs {@code SparkSubmit} (client mode: the driver is this child JVM) and returns it. */
    ChildJvm submit(String name, List<String> submitArgs) throws IOException {
        List<String> args = new ArrayList<>(List.of("--master", masterUrl, "--deploy-mode", "client"));
        args.addAll(submitArgs);
        return spawn(name, List.of("-Xmx1g"), "org.apache.spark.deploy.SparkSubmit", args);
    }

    /** The last lines of every executor's stderr under the worker's work dir, for failure messages. */
    String executorLogs() throws IOException {
        StringBuilder sb = new StringBuilder();
        Path work = dir.resolve("worker");
        if (!Files.isDirectory(work)) return "";
        try (var files = Files.walk(work)) {
            for (Path p : files.filter(f -> f.getFileName().toString().equals("stderr")).sorted().toList()) {
                List<String> lines = Files.readAllLines(p);
                sb.append("\n--- ").append(p).append(":\n").append(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
            }
        }
        return sb.toString();
    }

    private ChildJvm spawn(String name, List<String> heap, String mainClass, List<String> args) throws IOException {
        List<String> options = new ArrayList<>(javaOptions());
        options.addAll(heap);
        ChildJvm jvm = ChildJvm.start(name, List.of(sparkHome.resolve("conf").toString(), sparkHome.resolve("jars") + "/*"),
                options, mainClass, args, Map.of(
                        "SPARK_HOME", sparkHome.toString(),
                        "SPARK_LOCAL_IP", "127.0.0.1",
                        // The worker's launcher would otherwise look for a Spark source build to learn
                        // it (Spark's sbin scripts set it the same way, in load-spark-env.sh).
                        "SPARK_SCALA_VERSION", "2.13",
                        "JAVA_HOME", System.getProperty("java.home")),
                dir.resolve(name + ".log"));
        processes.add(jvm);
        return jvm;
    }

    /** The flags Spark needs on JDK 25, as the build wrote them into the Spark home. */
    private List<String> javaOptions() throws IOException {
        return List.of(Files.readString(sparkHome.resolve("conf/java-options")).trim().split("\\s+"));
    }

    @Override
    public void close() {
        // Workers before the master, last started first.
        for (int i = processes.size() - 1; i >= 0; i--) processes.get(i).close();
    }
}

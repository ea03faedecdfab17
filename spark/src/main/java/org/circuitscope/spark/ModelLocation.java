package org.circuitscope.spark;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;

/**
 * Where a JVM of the job finds the model directory named by {@code --model}: at that path when it
 * is a directory here (a shared file system, or the same path on every machine), else as a file
 * shipped with the job ({@code --archives model.tgz#NAME} or {@code --files}), which Spark unpacks
 * into each JVM's {@link SparkFiles} root.
 */
final class ModelLocation {
    private ModelLocation() {}

    static Path resolve(String model) {
        Path direct = Path.of(model);
        if (Files.isDirectory(direct)) return direct.toAbsolutePath();
        if (SparkEnv.get() != null) {
            Path shipped = Path.of(SparkFiles.get(model));
            if (Files.isDirectory(shipped)) return shipped;
        }
        throw new IllegalArgumentException("model directory " + model + " not found on " + host()
                + ": give a path every worker can read, or ship the model with --archives MODEL.tgz#" + new File(model).getName());
    }

    private static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "this machine";
        }
    }
}

package org.circuitscope.intellij.launch;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the plugin's files are once IntelliJ unpacked it: {@code circuitscope/lib/<plugin jar>} and the server beside
 * lib/, in {@code circuitscope/server/} (circuitscope.jar and jvm.options). The server jar stays out of lib/ so its
 * classes never join the plugin's class loader.
 */
public record PluginLayout(Path root) {
    public static final String SERVER_DIR = "server";
    public static final String SERVER_JAR = "circuitscope.jar";
    public static final String JVM_OPTIONS = "jvm.options";

    /** The layout around the plugin's own jar ({@code <root>/lib/x.jar}). */
    public static PluginLayout ofPluginJar(Path jar) {
        Path lib = jar.toAbsolutePath().getParent();
        if (lib == null || lib.getParent() == null || !"lib".equals(String.valueOf(lib.getFileName()))) {
            throw new IllegalStateException("the circuitscope plugin jar " + jar + " is not in a plugin's lib/ folder; reinstall the plugin");
        }
        return new PluginLayout(lib.getParent());
    }

    public Path serverJar() { return root.resolve(SERVER_DIR).resolve(SERVER_JAR); }

    public Path jvmOptions() { return root.resolve(SERVER_DIR).resolve(JVM_OPTIONS); }

    /** Both server files, or IllegalStateException naming the one missing (a broken install). */
    public PluginLayout check() {
        for (Path p : new Path[] {serverJar(), jvmOptions()}) {
            if (!Files.isRegularFile(p)) throw new IllegalStateException("the circuitscope plugin is missing " + p + "; reinstall the plugin");
        }
        return this;
    }
}

package org.circuitscope.intellij.lsp;

import com.intellij.openapi.vfs.VirtualFile;
import com.redhat.devtools.lsp4ij.server.ProcessStreamConnectionProvider;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.circuitscope.intellij.launch.JavaFinder;
import org.circuitscope.intellij.launch.PluginLayout;
import org.circuitscope.intellij.launch.ProcessJavaProbe;
import org.circuitscope.intellij.launch.ServerCommand;
import org.circuitscope.intellij.settings.PluginSettings;

/**
 * The server process: {@link ServerCommand} over this plugin's bundle. A missing Java 25 or a broken install fails the
 * start with the message for the user, which LSP4IJ shows in its console and notification.
 */
final class CircuitscopeConnectionProvider extends ProcessStreamConnectionProvider {
    private static final Path THP = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

    private final PluginSettings settings;

    CircuitscopeConnectionProvider(PluginSettings settings) {
        this.settings = settings;
    }

    @Override
    public void start() {
        List<String> command = ServerCommand.of(layout(), settings.javaHome(), System.getenv(), JavaFinder.forThisOs(), new ProcessJavaProbe(), thp());
        setCommands(command);
        super.start();
    }

    @Override
    public Object getInitializationOptions(VirtualFile rootUri) {
        return settings.initializationOptions();
    }

    private static PluginLayout layout() {
        try {
            return PluginLayout.ofPluginJar(Path.of(CircuitscopeConnectionProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("cannot find the circuitscope plugin's folder: " + e.getMessage(), e);
        }
    }

    private static String thp() {
        try {
            return Files.isReadable(THP) ? Files.readString(THP, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            return null;
        }
    }
}

package org.circuitscope.intellij.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The command line that starts the bundled language server: {@code java <jvm.options for lsp> -jar circuitscope.jar lsp},
 * with the java that {@link JavaFinder} chose. Any failure is IllegalStateException with the message for the user.
 */
public final class ServerCommand {
    private ServerCommand() {}

    /**
     * @param javaHomeSetting the plugin's Java home setting (blank: none)
     * @param thpSetting      the text of Linux's transparent huge pages setting, or null
     */
    public static List<String> of(PluginLayout layout, String javaHomeSetting, Map<String, String> env, JavaFinder finder, JavaProbe probe,
            String thpSetting) {
        layout.check();
        JavaCandidate java = finder.find(finder.candidates(javaHomeSetting, env), probe).require();
        String text;
        try {
            text = Files.readString(layout.jvmOptions(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + layout.jvmOptions(), e);
        }
        return args(java.executable(), JvmOptions.select(text, true, JvmOptions.transparentHugePages(thpSetting), layout.jvmOptions().toString()),
                layout.serverJar());
    }

    /** {@code java [options] -jar jar lsp}. */
    public static List<String> args(Path java, List<String> jvmOptions, Path jar) {
        List<String> out = new ArrayList<>();
        out.add(java.toString());
        out.addAll(jvmOptions);
        out.add("-jar");
        out.add(jar.toString());
        out.add("lsp");
        return out;
    }
}

package org.circuitscope.intellij.launch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Asks a real java for its version; a java that hangs is given up after a few seconds rather than blocking start-up. */
public final class ProcessJavaProbe implements JavaProbe {
    private static final long TIMEOUT_S = 10;

    @Override
    public boolean isFile(Path p) {
        return Files.isRegularFile(p) && Files.isExecutable(p);
    }

    @Override
    public Optional<String> versionText(Path executable) {
        try {
            Process p = new ProcessBuilder(executable.toString(), "-version").redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            try (InputStream in = p.getInputStream()) {
                return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}

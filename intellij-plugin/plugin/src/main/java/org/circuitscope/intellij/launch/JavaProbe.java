package org.circuitscope.intellij.launch;

import java.nio.file.Path;
import java.util.Optional;

/** What discovery asks of the machine: passed in so tests use fake java scripts or none at all. */
public interface JavaProbe {
    boolean isFile(Path p);

    /** What {@code java -version} prints (stderr and stdout together); empty when it cannot run. */
    Optional<String> versionText(Path executable);
}

package org.circuitscope.sae;

import java.nio.file.Path;

/** An SAE folder that cannot be read: the message says which file, what was wrong and what to do. */
public final class SaeFormatException extends IllegalArgumentException {
    private final Path file;

    public SaeFormatException(Path file, String message) {
        super(file + ": " + message);
        this.file = file;
    }

    public SaeFormatException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
        this.file = file;
    }

    public Path file() { return file; }
}

package org.circuitscope.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Thrown for any malformed or unsupported safetensors file. The message names the file and,
 * where one is involved, the tensor, and says what is wrong; {@link #file()} and
 * {@link #tensor()} give the same facts to callers that want to point at them (an editor, a
 * log line).
 */
public final class SafeTensorsException extends IOException {
    private final transient Path file;
    private final String tensor;

    public SafeTensorsException(Path file, String tensor, String message) {
        this(file, tensor, message, null);
    }

    public SafeTensorsException(Path file, String tensor, String message, Throwable cause) {
        super(message, cause);
        this.file = file;
        this.tensor = tensor;
    }

    /** The file at fault. */
    public Path file() { return file; }

    /** The tensor at fault, or {@code null} when the fault is in the file as a whole. */
    public String tensor() { return tensor; }
}

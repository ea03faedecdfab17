package org.circuitscope.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Files the user asks a command to write: checked before the work starts, so a typo in
 * {@code --out} costs no model run, and a write that still fails names the path asked for
 * rather than the temporary file the writers go through.
 */
final class OutputFiles {
    private OutputFiles() {}

    /** Refuses {@code file} when it is a directory or its directory is missing or not writable. */
    static void checkWritable(Path file, String option) throws IOException {
        if (Files.isDirectory(file)) throw new IOException(option + " " + file + " is a directory; give a file name");
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.exists(dir)) throw new IOException(option + " " + file + ": directory " + dir + " does not exist");
        if (!Files.isDirectory(dir)) throw new IOException(option + " " + file + ": " + dir + " is not a directory");
        if (!Files.isWritable(dir)) throw new IOException(option + " " + file + ": directory " + dir + " is not writable");
        if (Files.exists(file) && !Files.isWritable(file)) throw new IOException(option + " " + file + ": the file is not writable");
    }

    /** A failed write, said about {@code file}: the exception's own message may name only a temporary file. */
    static IOException cannotWrite(Path file, String option, IOException e) {
        String why = switch (e) {
            case AccessDeniedException x -> "permission denied";
            case NoSuchFileException x -> "its directory does not exist";
            case FileSystemException x when x.getReason() != null -> x.getReason();
            default -> e.getClass().getSimpleName();
        };
        return new IOException(option + " " + file + " could not be written: " + why, e);
    }
}

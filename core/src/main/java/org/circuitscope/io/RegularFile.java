package org.circuitscope.io;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;

/**
 * Checks, before anything opens it, that a path names a regular file, and says what it is
 * when it does not. Two reasons to look first: opening a named pipe for reading blocks until
 * some writer comes, and calling a directory or a symbolic link loop "missing" sends the user
 * looking for a file that is there.
 */
public final class RegularFile {
    /** Linux follows at most 40 links in one lookup; a longer chain fails as a loop does. */
    private static final int MAX_LINKS = 40;

    private RegularFile() {}

    /**
     * @param need what the caller needs the file for, said when it is missing
     *             ("a model directory needs config.json")
     * @throws IOException one line naming {@code file} and what it is instead of a regular file
     */
    public static void require(Path file, String need) throws IOException {
        String problem = problem(file);
        if (problem != null) throw new IOException(file + problem + (problem.equals(": missing") ? " (" + need + ")" : ""));
    }

    /** What is wrong with {@code file}, to follow its name ("is a directory"), or null for a regular file. */
    static String problem(Path file) {
        BasicFileAttributes target;
        try {
            target = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return Files.isSymbolicLink(file) ? " is a symbolic link to " + linkTarget(file) + ", which is missing" : ": missing";
        } catch (FileSystemException e) {
            if (isLinkLoop(file)) return " is a symbolic link loop";
            return " cannot be read (" + (e.getReason() != null ? e.getReason() : e.getClass().getSimpleName()) + ")";
        } catch (IOException e) {
            return " cannot be read (" + e.getMessage() + ")";
        }
        if (target.isDirectory()) return " is a directory";
        if (!target.isRegularFile()) return " is not a regular file (it is a named pipe, socket or device)";
        return null;
    }

    /** Walks the chain by hand: the operating system only says "too many levels", in its own words. */
    private static boolean isLinkLoop(Path file) {
        Set<Path> seen = new HashSet<>();
        Path p = file.toAbsolutePath().normalize();
        try {
            while (Files.isSymbolicLink(p)) {
                if (!seen.add(p) || seen.size() > MAX_LINKS) return true;
                p = p.resolveSibling(Files.readSymbolicLink(p)).normalize();
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private static String linkTarget(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            return "a path that cannot be read";
        }
    }
}

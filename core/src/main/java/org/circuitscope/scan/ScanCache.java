package org.circuitscope.scan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finished scans as {@link ScanOutput#read} gives them, read once per directory: an editor asks
 * for the same scan on every request, and its JSONL files hold every head's and neuron's top
 * lists. An entry is read again when {@code summary.json} changes (modification time or size):
 * a scan writes its summary last, so a rerun into the same directory is seen once it is complete.
 */
public final class ScanCache {
    private record Entry(FileTime modified, long size, ScanResult result) {}

    private final Map<Path, Entry> entries = new ConcurrentHashMap<>();

    /** The scan in {@code dir}; a directory that is no finished scan, or a malformed one, throws IllegalArgumentException saying why. */
    public ScanResult get(Path dir) throws IOException {
        Path d = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(d)) {
            entries.remove(d);
            throw new IllegalArgumentException(d + ": no such directory (run circuitscope scan --out " + d + " first)");
        }
        Path summary = d.resolve(ScanOutput.SUMMARY);
        if (!Files.isRegularFile(summary)) {
            entries.remove(d);
            return ScanOutput.read(d); // throws, naming the missing summary
        }
        BasicFileAttributes at = Files.readAttributes(summary, BasicFileAttributes.class);
        Entry e = entries.get(d);
        if (e != null && e.modified().equals(at.lastModifiedTime()) && e.size() == at.size()) return e.result();
        ScanResult r;
        try {
            r = ScanOutput.read(d);
        } catch (RuntimeException ex) {
            entries.remove(d);
            // Gson may fail past its own exception types (a list where a number was); a bad file is still only a bad file.
            throw ex instanceof IllegalArgumentException ? ex : new IllegalArgumentException(d + ": malformed scan output: " + ex, ex);
        }
        entries.put(d, new Entry(at.lastModifiedTime(), at.size(), r));
        return r;
    }
}

package org.circuitscope.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A number that changes when any of a set of files changes (its path, time or size), for caches that reload what was rewritten. */
final class FileStamp {
    private FileStamp() {}

    static long of(List<Path> files) {
        long s = 17;
        for (Path f : files) {
            s = s * 31 + f.hashCode(); // another set of files (one file or shards) changes the stamp even at equal times and sizes
            try {
                s = s * 31 + Files.getLastModifiedTime(f).toMillis();
                s = s * 31 + Files.size(f);
            } catch (IOException e) {
                s = s * 31; // a missing file counts too
            }
        }
        return s;
    }
}

package org.circuitscope.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.circuitscope.features.CorpusFeatures;
import org.circuitscope.features.ScanCorpusFeatures;
import org.circuitscope.scan.ScanOutput;
import org.circuitscope.scan.ScanResult;

/**
 * The corpus scan whose SAE feature contexts a document's hovers and feature cards show: the
 * front matter's {@code scan:} (relative to the document's folder, then the workspace roots),
 * else the {@code circuitscope.scanDir} setting (relative to the roots). Each folder is read once
 * and again when its {@code summary.json} changes. A scan that is missing, unreadable or of
 * another model gives {@link CorpusFeatures#NONE} and one log line: the document still works
 * without corpus contexts.
 */
public final class CorpusFeaturesCache {
    private static final Logger LOG = Logger.getLogger(CorpusFeaturesCache.class.getName());

    private record Loaded(long stamp, String model, CorpusFeatures features) {}

    private final Map<Path, Loaded> scans = new ConcurrentHashMap<>();

    public CorpusFeatures get(ModelHandle m, String fromFrontMatter, Path documentDir, List<Path> roots, String fromSettings) {
        boolean fm = fromFrontMatter != null;
        String entry = fm ? fromFrontMatter : fromSettings;
        if (entry == null || entry.isBlank()) return CorpusFeatures.NONE;
        Path dir = find(entry, fm ? documentDir : null, roots);
        if (dir == null) {
            LOG.warning(() -> "corpus scan '" + entry + "' not found; hovers show no corpus contexts");
            return CorpusFeatures.NONE;
        }
        Loaded l = load(dir);
        if (l == null) return CorpusFeatures.NONE;
        String want = m.config().modelName();
        if (!l.model().equals(want)) {
            LOG.warning(() -> "corpus scan " + dir + " is of model " + l.model() + ", not " + want + "; its feature contexts are not used");
            return CorpusFeatures.NONE;
        }
        return l.features();
    }

    private Loaded load(Path dir) {
        long stamp = stamp(dir);
        Loaded l = scans.get(dir);
        if (l != null && l.stamp() == stamp) return l;
        try {
            ScanResult r = ScanOutput.read(dir);
            Loaded fresh = new Loaded(stamp, r.summary().model().name(), ScanCorpusFeatures.of(r));
            scans.put(dir, fresh);
            return fresh;
        } catch (IOException | RuntimeException e) {
            LOG.warning(() -> "corpus scan " + dir + " could not be read: " + e.getMessage());
            return null;
        }
    }

    private static long stamp(Path dir) {
        try {
            return Files.getLastModifiedTime(dir.resolve(ScanOutput.SUMMARY)).toMillis();
        } catch (IOException e) {
            return -1;
        }
    }

    private static Path find(String entry, Path documentDir, List<Path> roots) {
        List<Path> tried = new ArrayList<>();
        try {
            Path p = Path.of(entry);
            if (p.isAbsolute()) tried.add(p);
            else {
                if (documentDir != null) tried.add(documentDir.resolve(p));
                for (Path r : roots) tried.add(r.resolve(p));
                if (tried.isEmpty()) tried.add(p.toAbsolutePath());
            }
        } catch (InvalidPathException e) {
            return null;
        }
        for (Path p : tried) if (Files.isDirectory(p)) return p.normalize();
        return null;
    }
}

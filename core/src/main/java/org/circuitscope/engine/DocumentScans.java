package org.circuitscope.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.scan.ScanCache;
import org.circuitscope.scan.ScanResult;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The corpus scan a prompt refers to: its front matter's {@code circuitscope: {scan: DIR}}
 * (relative to the prompt file's folder), else the {@code scanDir} setting (absolute, or relative
 * to a workspace folder). Scans are read through one {@link ScanCache} per workspace, and one
 * of another model than the prompt's is refused: its top examples would name heads of a
 * different network.
 */
public final class DocumentScans {
    /** The front matter key, under {@code circuitscope:}. */
    public static final String KEY = "scan";

    /** A scan that cannot be used, said so that the user can act; {@code fromFrontMatter}: the front matter named it. */
    public static final class ScanProblem extends RuntimeException {
        private final boolean fromFrontMatter;

        ScanProblem(String message, boolean fromFrontMatter, Throwable cause) {
            super(message, cause);
            this.fromFrontMatter = fromFrontMatter;
        }

        public boolean fromFrontMatter() { return fromFrontMatter; }
    }

    /** Where a scan is named: its directory, and whether the front matter (else the setting) named it. */
    public record Location(Path dir, boolean fromFrontMatter) {
        String origin() { return fromFrontMatter ? "the front matter's circuitscope.scan" : "the circuitscope.scanDir setting"; }
    }

    /** A usable scan of the prompt's model. */
    public record Found(Location location, ScanResult result) {}

    private final ScanCache cache = new ScanCache();

    /**
     * The directory the document names (front matter first, then {@code setting}); null when
     * neither names one. A front matter value that is no path, or a relative one in an unsaved
     * document, is a {@link ScanProblem}.
     */
    public static Location locate(String text, Path documentDir, List<Path> roots, String setting) {
        Object v = frontMatterValue(text);
        if (v != null) {
            if (v instanceof Map || v instanceof Collection) throw new ScanProblem("circuitscope.scan must be one directory path", true, null);
            Path p = path(String.valueOf(v), true);
            if (p.isAbsolute()) return new Location(p.normalize(), true);
            if (documentDir == null) {
                throw new ScanProblem("circuitscope.scan '" + v + "' is relative, but this document has no folder (save it, or write an absolute path)", true, null);
            }
            return new Location(documentDir.resolve(p).normalize(), true);
        }
        if (setting == null || setting.isBlank()) return null;
        Path p = path(setting, false);
        if (p.isAbsolute()) return new Location(p.normalize(), false);
        for (Path r : roots) if (Files.isDirectory(r.resolve(p))) return new Location(r.resolve(p).normalize(), false);
        return new Location((roots.isEmpty() ? p.toAbsolutePath() : roots.getFirst().resolve(p)).normalize(), false);
    }

    /**
     * The scan the document names, read (or taken from the cache) and checked against the
     * prompt's model; null when none is named.
     */
    public Found find(String text, Path documentDir, List<Path> roots, Settings settings, ModelConfig model) {
        Location at = locate(text, documentDir, roots, settings.scanDir());
        if (at == null) return null;
        ScanResult r;
        try {
            r = cache.get(at.dir());
        } catch (IOException | IllegalArgumentException e) {
            throw new ScanProblem(at.origin() + ": " + e.getMessage(), at.fromFrontMatter(), e);
        }
        ScanResult.Model m = r.summary().model();
        if (m == null || !m.name().equals(model.modelName()) || m.nLayers() != model.nLayers() || m.nHeads() != model.nHeads()
                || m.dModel() != model.dModel() || m.dVocab() != model.dVocab()) {
            throw new ScanProblem(at.origin() + ": the scan in " + at.dir() + " is of " + describe(m) + ", but this prompt runs "
                    + describe(new ScanResult.Model(model.modelName(), model.nLayers(), model.nHeads(), model.dModel(), model.dMlp(),
                    model.dVocab(), model.nCtx(), model.attnOnly())) + "; scan this model, or name a scan of it", at.fromFrontMatter(), null);
        }
        return new Found(at, r);
    }

    private static String describe(ScanResult.Model m) {
        if (m == null) return "an unnamed model";
        return m.name() + " (" + m.nLayers() + " layers × " + m.nHeads() + " heads, d_model " + m.dModel() + ", d_vocab " + m.dVocab() + ")";
    }

    private static Path path(String s, boolean fromFrontMatter) {
        try {
            return Path.of(s.startsWith("~/") ? System.getProperty("user.home") + s.substring(1) : s);
        } catch (InvalidPathException e) {
            throw new ScanProblem("scan directory '" + s + "' is not a valid path: " + e.getMessage(), fromFrontMatter, e);
        }
    }

    /**
     * {@code circuitscope.scan} of the front matter, null when absent. Read here rather than in
     * {@link FrontMatter}: only scan-reading requests need it, and a block that is not valid YAML
     * is reported by FrontMatter already.
     */
    static Object frontMatterValue(String text) {
        int body = FrontMatter.parse(text).bodyStart();
        if (body == 0) return null;
        String head = text.substring(0, body);
        int first = head.indexOf('\n');
        int last = head.stripTrailing().lastIndexOf('\n');
        if (first < 0 || last <= first) return null;
        try {
            LoaderOptions lo = new LoaderOptions();
            lo.setAllowDuplicateKeys(true);
            lo.setMaxAliasesForCollections(20);
            Object root = new Yaml(new SafeConstructor(lo)).load(head.substring(first + 1, last + 1));
            return root instanceof Map<?, ?> top && top.get("circuitscope") instanceof Map<?, ?> ours ? ours.get(KEY) : null;
        } catch (YAMLException | StackOverflowError e) {
            return null;
        }
    }
}

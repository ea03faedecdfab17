package org.circuitscope.engine;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.circuitscope.features.FeatureLogits;
import org.circuitscope.sae.Sae;
import org.circuitscope.sae.SaeSet;

/**
 * Finds and loads the SAEs a document names, once per (model, SAE folders), like
 * {@link ModelCache} does models: a folder whose files change is read again. The front
 * matter's {@code saes} wins over the {@code circuitscope.saes} setting. Each entry is an SAE
 * folder (it holds {@code cfg.json}) or a folder of them; an SAE named directly that cannot be
 * read or does not fit the model is a {@link DocumentSaes.Problem} (a diagnostic), and the
 * others are still used. From a folder of SAEs, those made for another model are skipped
 * quietly: one folder may serve several models (samples/saes does).
 */
public final class SaeCache {
    private static final Logger LOG = Logger.getLogger(SaeCache.class.getName());
    private static final String CFG = "cfg.json";

    /** A folder to load, from which entry, and whether it was named itself (not found inside a folder of SAEs). */
    private record Candidate(String entry, Path dir, boolean named, boolean fromFrontMatter) {}

    private record Loaded(long stamp, Sae sae, String error) {}

    private final Map<Path, Loaded> saes = new ConcurrentHashMap<>();
    private final Map<String, DocumentSaes> sets = new ConcurrentHashMap<>();

    /**
     * The SAEs of a document of model {@code m}: {@code fromFrontMatter} (null: the front matter
     * names none) relative to the document's folder, then the workspace roots; else
     * {@code fromSettings} relative to the roots. Never throws: what is wrong is in the problems.
     */
    public DocumentSaes get(ModelHandle m, List<String> fromFrontMatter, Path documentDir, List<Path> roots, List<String> fromSettings) {
        boolean fm = fromFrontMatter != null;
        List<String> entries = fm ? fromFrontMatter : fromSettings;
        if (entries.isEmpty()) return DocumentSaes.NONE;
        List<DocumentSaes.Problem> problems = new ArrayList<>();
        List<Candidate> candidates = new ArrayList<>();
        for (String e : entries) {
            Path dir = find(e, fm ? documentDir : null, roots, fm, problems);
            if (dir == null) continue;
            if (Files.isRegularFile(dir.resolve(CFG))) {
                candidates.add(new Candidate(e, dir, true, fm));
                continue;
            }
            List<Path> inside = children(dir);
            if (inside.isEmpty()) problems.add(new DocumentSaes.Problem(e, fm, "SAE folder '" + e + "' (" + dir + ") holds no SAE: neither it nor a"
                    + " folder in it has " + CFG + " (SAELens's layout: cfg.json + " + Sae.WEIGHTS + ")"));
            for (Path d : inside) candidates.add(new Candidate(e, d, false, fm));
        }
        StringBuilder key = new StringBuilder(m.dir() + "@" + System.identityHashCode(m));
        for (Candidate c : candidates) key.append('|').append(c.dir()).append('#').append(c.named()).append('#').append(stamp(c.dir()));
        DocumentSaes cached = sets.get(key.toString());
        if (cached != null) return withProblems(cached, problems);
        List<Sae> fit = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Candidate c : candidates) {
            Loaded l = load(c.dir());
            String why = l.error();
            if (why == null) {
                try {
                    l.sae().checkAttachable(m.config());
                } catch (IllegalArgumentException x) {
                    if (!c.named()) continue; // a folder of SAEs for several models: the others are not this document's
                    why = x.getMessage();
                }
            }
            if (why == null && !names.add(l.sae().name())) {
                why = "two SAEs are named '" + l.sae().name() + "' (" + c.dir() + " is the second); features are named <sae>:<index>, so rename one folder";
            }
            if (why != null) problems.add(new DocumentSaes.Problem(c.entry(), c.fromFrontMatter(), why));
            else fit.add(l.sae());
        }
        SaeSet set = SaeSet.of(fit, m.config());
        DocumentSaes fresh = new DocumentSaes(set, new FeatureLogits(m.transformer().weights(), set), List.of());
        if (sets.size() > 64) sets.clear(); // keys of replaced models and edited folders: a bound, not an LRU
        sets.put(key.toString(), fresh);
        return withProblems(fresh, problems);
    }

    private static DocumentSaes withProblems(DocumentSaes d, List<DocumentSaes.Problem> problems) {
        return problems.isEmpty() ? d : new DocumentSaes(d.set(), d.logits(), List.copyOf(problems));
    }

    private static Path find(String entry, Path documentDir, List<Path> roots, boolean fm, List<DocumentSaes.Problem> problems) {
        List<Path> tried = new ArrayList<>();
        try {
            Path p = Path.of(entry.startsWith("~/") ? System.getProperty("user.home") + entry.substring(1) : entry);
            if (p.isAbsolute()) tried.add(p);
            else {
                if (documentDir != null) tried.add(documentDir.resolve(p));
                for (Path r : roots) tried.add(r.resolve(p));
                if (tried.isEmpty()) tried.add(p.toAbsolutePath());
            }
        } catch (InvalidPathException e) {
            problems.add(new DocumentSaes.Problem(entry, fm, "SAE folder '" + entry + "' is not a valid path: " + e.getMessage()));
            return null;
        }
        for (Path p : tried) if (Files.isDirectory(p)) return p.normalize();
        problems.add(new DocumentSaes.Problem(entry, fm, "SAE folder '" + entry + "' not found (looked in " + tried.stream().map(Path::toString).toList() + ")"));
        return null;
    }

    /** The folders inside {@code dir} that hold cfg.json, by name. */
    private static List<Path> children(Path dir) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path d : ds) if (Files.isRegularFile(d.resolve(CFG))) out.add(d.normalize());
        } catch (IOException e) {
            return List.of();
        }
        out.sort(null);
        return out;
    }

    private Loaded load(Path dir) {
        long stamp = stamp(dir);
        Loaded l = saes.get(dir);
        if (l != null && l.stamp() == stamp) return l;
        Loaded fresh;
        try {
            Sae s = Sae.load(dir);
            LOG.info(() -> "loaded SAE " + s);
            fresh = new Loaded(stamp, s, null);
        } catch (IOException | RuntimeException e) {
            fresh = new Loaded(stamp, null, "SAE " + dir + " could not be loaded: " + e.getMessage());
        }
        saes.put(dir, fresh);
        return fresh;
    }

    /** Changes when cfg.json or the weights change. */
    static long stamp(Path dir) {
        return FileStamp.of(List.of(dir.resolve(CFG), dir.resolve(Sae.WEIGHTS)));
    }
}

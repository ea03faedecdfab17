package org.circuitscope.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds models where the Hugging Face libraries keep them, so {@code EleutherAI/pythia-70m}
 * names a model that {@code hf download} (or transformers) already fetched. Reads the cache
 * only; never downloads.
 *
 * <p>The cache lays a model out as {@code models--{org}--{name}/refs/{revision}} (a file holding
 * a commit hash) and {@code snapshots/{commit}/} (the files, as links into {@code blobs/},
 * which every reader here follows). The cache folder is {@code $HF_HUB_CACHE}, else
 * {@code $HUGGINGFACE_HUB_CACHE} (its older name), else {@code $HF_HOME/hub}, else
 * {@code $XDG_CACHE_HOME/huggingface/hub}, else {@code ~/.cache/huggingface/hub}: the order
 * huggingface_hub itself uses, so both agree on where a model is.
 */
public final class HubCache {
    /** org/name[@revision]: the hub's repo-name characters; a revision is a branch, tag, {@code pr/N} or commit. */
    private static final Pattern ID = Pattern.compile(
            "([A-Za-z0-9][A-Za-z0-9._-]*)/([A-Za-z0-9][A-Za-z0-9._-]*)(?:@([A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*))?");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    private final Path root;
    private final String rootFrom;

    private HubCache(Path root, String rootFrom) {
        this.root = root;
        this.rootFrom = rootFrom;
    }

    /** The cache that {@code env} (environment variables) and {@code home} (the user's home folder) choose. */
    public static HubCache of(Map<String, String> env, Path home) {
        String[][] vars = {{"HF_HUB_CACHE", ""}, {"HUGGINGFACE_HUB_CACHE", ""}, {"HF_HOME", "hub"}, {"XDG_CACHE_HOME", "huggingface/hub"}};
        for (String[] v : vars) {
            String value = env.get(v[0]);
            if (value != null && !value.isBlank()) {
                Path base = value.equals("~") || value.startsWith("~/") ? home.resolve(value.substring(Math.min(2, value.length()))) : Path.of(value);
                return new HubCache(base.resolve(v[1]), "$" + v[0] + (v[1].isEmpty() ? "" : "/" + v[1]));
            }
        }
        return new HubCache(home.resolve(".cache/huggingface/hub"), "~/.cache/huggingface/hub");
    }

    /** The cache this process's environment and {@code user.home} choose. */
    public static HubCache system() {
        return of(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** The cache folder (which may not exist). */
    public Path root() { return root; }

    /** True for {@code org/name} or {@code org/name@revision}: worth looking up here when no folder has that name. */
    public static boolean isModelId(String s) {
        return s != null && parse(s) != null;
    }

    /**
     * The snapshot folder of model {@code id} ({@code org/name}, or {@code org/name@revision}
     * with a branch, tag or full commit hash; {@code main} when none is given).
     *
     * @throws IOException one line saying what is missing, where it looked and the command that fetches the model
     */
    public Path resolve(String id) throws IOException {
        Matcher m = parse(id);
        if (m == null) {
            throw new IOException("'" + Excerpt.of(id) + "' is not a Hugging Face model id: expected org/name or org/name@revision,"
                    + " with letters, digits, '-', '_' and '.' (no '--' or '..')");
        }
        String repo = m.group(1) + "/" + m.group(2), revision = m.group(3) != null ? m.group(3) : "main";
        String args = downloadArgs(repo, m.group(3));
        String fetch = "; fetch it with `hf " + args + "` (older huggingface_hub: `huggingface-cli " + args + "`)";
        Path repoDir = root.resolve("models--" + m.group(1) + "--" + m.group(2));
        if (!Files.isDirectory(repoDir)) {
            throw new IOException(repo + " is not in the Hugging Face cache: no folder " + repoDir + " (the cache is " + rootFrom + ")" + fetch);
        }
        Path snapshots = repoDir.resolve("snapshots");
        String commit;
        if (COMMIT.matcher(revision).matches() && Files.isDirectory(snapshots.resolve(revision))) {
            commit = revision;
        } else {
            Path ref = repoDir.resolve("refs").resolve(revision);
            if (!Files.isRegularFile(ref)) {
                throw new IOException(repo + ": the Hugging Face cache has no revision '" + revision + "' (no file " + ref
                        + (COMMIT.matcher(revision).matches() ? " and no folder " + snapshots.resolve(revision) : "")
                        + "; snapshots there: " + listing(snapshots) + ")" + fetch);
            }
            commit = readRef(ref);
            if (!COMMIT.matcher(commit).matches()) {
                throw new IOException(repo + ": " + ref + " should hold a 40-digit commit hash but holds '" + Excerpt.of(commit) + "'" + fetch);
            }
        }
        Path snapshot = snapshots.resolve(commit);
        if (!Files.isDirectory(snapshot)) {
            throw new IOException(repo + ": revision '" + revision + "' is commit " + commit + ", but its snapshot " + snapshot
                    + " is missing (a download that did not finish?)" + fetch);
        }
        return snapshot;
    }

    /** The command that puts {@code repo} at {@code revision} (null: main) into the cache. */
    public static String downloadCommand(String repo, String revision) {
        return "hf " + downloadArgs(repo, revision);
    }

    private static String downloadArgs(String repo, String revision) {
        return "download " + repo + (revision == null ? "" : " --revision " + revision);
    }

    /** The id of the model whose snapshot folder {@code dir} is ({@code .../models--org--name/snapshots/<commit>}), if it is one. */
    public static Optional<String> modelId(Path dir) {
        Path p = dir.toAbsolutePath().normalize(), snapshots = p.getParent();
        Path repoDir = snapshots == null ? null : snapshots.getParent();
        if (repoDir == null || repoDir.getFileName() == null || !snapshots.getFileName().toString().equals("snapshots")) return Optional.empty();
        String folder = repoDir.getFileName().toString();
        // Hub names never hold "--", so the folder name splits back into org and name.
        return folder.startsWith("models--") && folder.length() > 8 ? Optional.of(folder.substring(8).replace("--", "/")) : Optional.empty();
    }

    private static Matcher parse(String s) {
        Matcher m = ID.matcher(s);
        if (!m.matches()) return null;
        for (int g = 1; g <= 3; g++) {
            String part = m.group(g);
            if (part == null) continue;
            if (g < 3 && (part.contains("--") || part.contains("..") || part.length() > 96)) return null;
            if (g == 3 && Stream.of(part.split("/")).anyMatch(seg -> seg.equals(".") || seg.equals(".."))) return null;
        }
        return m;
    }

    private static String readRef(Path ref) throws IOException {
        if (Files.size(ref) > 1024) return "(" + Files.size(ref) + " bytes)";
        return new String(Files.readAllBytes(ref), StandardCharsets.UTF_8).strip();
    }

    private static String listing(Path snapshots) {
        if (!Files.isDirectory(snapshots)) return "none";
        try (Stream<Path> s = Files.list(snapshots)) {
            List<String> names = s.map(p -> p.getFileName().toString()).sorted().toList();
            return names.isEmpty() ? "none" : names.size() <= 3 ? String.join(", ", names)
                    : String.join(", ", names.subList(0, 3)) + " and " + (names.size() - 3) + " more";
        } catch (IOException e) {
            return "unreadable";
        }
    }

    @Override
    public String toString() { return "HubCache[" + root + " (" + rootFrom + ")]"; }
}

package org.circuitscope.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Lays models out as huggingface_hub's cache does: {@code models--org--name/blobs/<sha256>}
 * holding the bytes, {@code snapshots/<commit>/<file>} a relative symbolic link to the blob,
 * and {@code refs/<revision>} a file holding the commit hash with no newline.
 */
public final class FakeHubCache {
    private FakeHubCache() {}

    /** Adds {@code files} as snapshot {@code commit} of {@code repo} under {@code root}, pointed at by each of {@code refs}. */
    public static Path add(Path root, String repo, String commit, Map<String, byte[]> files, String... refs) throws IOException {
        Path repoDir = root.resolve("models--" + repo.replace("/", "--"));
        Path snapshot = Files.createDirectories(repoDir.resolve("snapshots").resolve(commit));
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path blob = Files.createDirectories(repoDir.resolve("blobs")).resolve(sha256(f.getValue()));
            if (!Files.exists(blob)) Files.write(blob, f.getValue());
            Path link = snapshot.resolve(f.getKey());
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, link.getParent().relativize(blob));
        }
        for (String ref : refs) {
            Path r = repoDir.resolve("refs").resolve(ref);
            Files.createDirectories(r.getParent());
            Files.writeString(r, commit, StandardCharsets.US_ASCII);
        }
        return snapshot;
    }

    /** As {@link #add(Path, String, String, Map, String...)} with the regular files of folder {@code dir}. */
    public static Path addDirectory(Path root, String repo, String commit, Path dir, String... refs) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) if (Files.isRegularFile(p)) files.put(p.getFileName().toString(), Files.readAllBytes(p));
        }
        return add(root, repo, commit, files, refs);
    }

    /** A 40-digit commit hash made from {@code seed}. */
    public static String commit(String seed) {
        return sha256(seed.getBytes(StandardCharsets.UTF_8)).substring(0, 40);
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}

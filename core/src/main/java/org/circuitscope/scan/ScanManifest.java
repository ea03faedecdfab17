package org.circuitscope.scan;

import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.circuitscope.model.Transformer;
import org.circuitscope.tensor.Tensor;

/**
 * {@code scan.json}: what a scan directory's shards were computed from — spec, model (config
 * and a hash of its weights), corpus (a hash of its ids and texts) and the shard size. A rerun
 * into the same directory resumes only when all of them agree; shards of another scan must
 * never be merged into this one.
 */
record ScanManifest(String format, ScanSpec spec, String model, String modelConfig, String weightsHash, int documents,
                    String corpusHash, long shardTokens, int shards) {
    static final String FILE = "scan.json";

    static ScanManifest of(Transformer model, ScanSpec spec, List<CorpusDocument> docs, long shardTokens, int shards) {
        return new ScanManifest(ScanOutput.FORMAT, spec, model.config().modelName(), model.config().toString(), weightsHash(model),
                docs.size(), corpusHash(docs), shardTokens, shards);
    }

    /** Throws unless {@code existing} describes the same scan, naming the first difference. */
    void checkSame(ScanManifest existing, Path dir) {
        List<String> diff = new ArrayList<>();
        if (!spec.equals(existing.spec)) diff.add("spec " + existing.spec.toJson() + " there, " + spec.toJson() + " now");
        if (!modelConfig.equals(existing.modelConfig) || !weightsHash.equals(existing.weightsHash)) {
            diff.add("model " + existing.model + " there, " + model + (modelConfig.equals(existing.modelConfig) ? " with other weights" : "") + " now");
        }
        if (documents != existing.documents || !corpusHash.equals(existing.corpusHash)) {
            diff.add("corpus of " + existing.documents + " documents there, another of " + documents + " now");
        }
        if (shardTokens != existing.shardTokens) diff.add("shard size " + existing.shardTokens + " tokens there, " + shardTokens + " now");
        if (!diff.isEmpty()) {
            throw new IllegalArgumentException(dir + " holds another scan (" + String.join("; ", diff)
                    + "); choose another --out directory or delete this one");
        }
    }

    void write(Path dir) throws IOException { ScanOutput.writeAtomically(dir.resolve(FILE), ScanOutput.LINE.toJson(this) + "\n"); }

    static ScanManifest read(Path dir) throws IOException {
        Path f = dir.resolve(FILE);
        if (!Files.exists(f)) return null;
        try {
            ScanManifest m = ScanOutput.LINE.fromJson(Files.readString(f), ScanManifest.class);
            if (m == null || m.spec == null) throw new JsonParseException("empty");
            return m;
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(f + ": unreadable scan manifest (" + e.getMessage() + "); delete the directory to start afresh");
        }
    }

    private static String weightsHash(Transformer model) {
        MessageDigest md = sha256();
        Map<String, Tensor> sorted = new TreeMap<>(model.weights().asMap());
        for (var e : sorted.entrySet()) {
            md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
            int h = java.util.Arrays.hashCode(e.getValue().data());
            md.update(new byte[] {(byte) (h >>> 24), (byte) (h >>> 16), (byte) (h >>> 8), (byte) h});
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static String corpusHash(List<CorpusDocument> docs) {
        MessageDigest md = sha256();
        for (CorpusDocument d : docs) {
            md.update(d.id().getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(d.text().getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

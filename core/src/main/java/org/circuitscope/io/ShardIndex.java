package org.circuitscope.io;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A sharded checkpoint's {@code model.safetensors.index.json}, as Hugging Face writes it:
 * {@code {"metadata": {"total_size": ...}, "weight_map": {"tensor": "model-00001-of-00002.safetensors", ...}}}.
 * Only {@code weight_map} is read; every shard it names must lie inside the index's folder, so a
 * downloaded index cannot make the loader open files elsewhere.
 *
 * @param file   the index file
 * @param shards the shard files, in the order the weight map first names them
 * @param shardOf each tensor's shard file, in the weight map's order
 */
record ShardIndex(Path file, List<Path> shards, Map<String, Path> shardOf) {
    /** Far above any real index (a 405B-parameter Llama's is about 100 KB), far below a memory problem. */
    private static final long MAX_BYTES = 64L << 20;

    static ShardIndex read(Path file) throws IOException {
        RegularFile.require(file, "a sharded checkpoint needs its index");
        if (Files.size(file) > MAX_BYTES) throw fail(file, null, Files.size(file) + " bytes is too large for a checkpoint index");
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw fail(file, null, "not valid JSON: it is not UTF-8 text");
        }
        JsonElement root = parse(file, text);
        if (!root.isJsonObject()) throw fail(file, null, "not a JSON object; expected {\"metadata\": {...}, \"weight_map\": {...}}");
        JsonElement map = root.getAsJsonObject().get("weight_map");
        if (map == null || !map.isJsonObject()) {
            throw fail(file, null, (map == null ? "no \"weight_map\"" : "\"weight_map\" is not an object")
                    + "; expected {\"weight_map\": {\"tensor name\": \"shard file\", ...}}");
        }
        Path dir = file.toAbsolutePath().getParent().normalize();
        Map<String, Path> shardOf = new LinkedHashMap<>();
        LinkedHashSet<Path> shards = new LinkedHashSet<>();
        for (Map.Entry<String, JsonElement> e : map.getAsJsonObject().entrySet()) {
            JsonElement v = e.getValue();
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
                throw fail(file, e.getKey(), "\"weight_map\" maps tensor '" + Excerpt.of(e.getKey()) + "' to " + Excerpt.of(v.toString())
                        + ", not to a shard file name");
            }
            Path shard = shardPath(file, dir, e.getKey(), v.getAsString());
            shardOf.put(e.getKey(), shard);
            shards.add(shard);
        }
        if (shardOf.isEmpty()) throw fail(file, null, "\"weight_map\" names no tensors");
        return new ShardIndex(file, List.copyOf(shards), Collections.unmodifiableMap(shardOf));
    }

    /** The shard's path inside {@code dir}, judged by its name alone: a snapshot's shards are links into blobs/ elsewhere. */
    private static Path shardPath(Path file, Path dir, String tensor, String name) throws SafeTensorsException {
        Path p;
        try {
            p = dir.resolve(name).normalize();
        } catch (InvalidPathException e) {
            throw fail(file, tensor, "shard '" + Excerpt.of(name) + "' of tensor '" + Excerpt.of(tensor) + "' is not a valid file name");
        }
        if (name.isEmpty() || Path.of(name).isAbsolute() || !p.startsWith(dir) || p.equals(dir)) {
            throw fail(file, tensor, "shard '" + Excerpt.of(name) + "' of tensor '" + Excerpt.of(tensor)
                    + "' is not a file inside " + dir + "; an index may only name files beside it");
        }
        return p;
    }

    /** The tensors the index maps to {@code shard}, in the weight map's order. */
    List<String> tensorsIn(Path shard) {
        List<String> out = new ArrayList<>();
        shardOf.forEach((t, s) -> {
            if (s.equals(shard)) out.add(t);
        });
        return out;
    }

    /** The index text for a checkpoint of {@code totalSize} data bytes: two-space indents, a final newline, as transformers writes it. */
    static String json(long totalSize, Map<String, String> weightMap) {
        JsonObject meta = new JsonObject();
        meta.addProperty("total_size", totalSize);
        JsonObject map = new JsonObject();
        weightMap.forEach(map::addProperty);
        JsonObject root = new JsonObject();
        root.add("metadata", meta);
        root.add("weight_map", map);
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(root) + "\n";
    }

    private static JsonElement parse(Path file, String text) throws SafeTensorsException {
        try {
            return JsonProblem.parseStrict(text);
        } catch (JsonParseException | IOException ex) {
            throw fail(file, null, "not valid JSON: " + JsonProblem.describe(ex));
        }
    }

    static SafeTensorsException fail(Path file, String tensor, String detail) {
        return new SafeTensorsException(file, tensor, "checkpoint index " + file + ": " + detail);
    }
}

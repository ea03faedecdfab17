package org.circuitscope.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.circuitscope.tensor.Tensor;

/**
 * A model directory's weights, whichever form they take: one {@code model.safetensors}, or the
 * shards a {@code model.safetensors.index.json} names (as Hugging Face saves models larger
 * than its shard size). Every shard is mapped and checked at {@link #open}: a shard the index
 * names must exist and hold each tensor the index maps to it, so a loader never meets a
 * half-downloaded checkpoint halfway through.
 *
 * <p>Offers the tensors the index maps (or all of the single file's), each read from its shard.
 */
public final class SafeTensorsSet implements TensorSource {
    public static final String SINGLE = "model.safetensors";
    public static final String INDEX = "model.safetensors.index.json";

    private final Path file;
    private final List<SafeTensors> files;
    private final Map<String, SafeTensors> byName;
    private final List<String> names;

    private SafeTensorsSet(Path file, List<SafeTensors> files, Map<String, SafeTensors> byName) {
        this.file = file;
        this.files = List.copyOf(files);
        this.byName = Collections.unmodifiableMap(byName);
        this.names = List.copyOf(byName.keySet());
    }

    /**
     * The weights of model directory {@code dir}: {@code model.safetensors} where it is present
     * (as transformers prefers it), else the shards of {@code model.safetensors.index.json}.
     *
     * @throws IOException naming {@code dir/model.safetensors} when neither is there, or the file at fault
     */
    public static SafeTensorsSet open(Path dir) throws IOException {
        Path single = dir.resolve(SINGLE), index = dir.resolve(INDEX);
        // NOFOLLOW: a directory, pipe or broken link named model.safetensors is reported as what it is.
        if (!Files.exists(single, LinkOption.NOFOLLOW_LINKS) && Files.exists(index, LinkOption.NOFOLLOW_LINKS)) return openIndex(index);
        RegularFile.require(single, "a model directory needs " + SINGLE + ", or " + INDEX + " and the shards it names");
        SafeTensors st = SafeTensors.open(single);
        Map<String, SafeTensors> byName = new LinkedHashMap<>();
        for (String n : st.names()) byName.put(n, st);
        return new SafeTensorsSet(single, List.of(st), byName);
    }

    /** The shards {@code indexFile} names, each mapped and checked against the index. */
    public static SafeTensorsSet openIndex(Path indexFile) throws IOException {
        ShardIndex index = ShardIndex.read(indexFile);
        List<SafeTensors> opened = new ArrayList<>();
        try {
            Map<Path, SafeTensors> byShard = new LinkedHashMap<>();
            for (Path shard : index.shards()) {
                String problem = RegularFile.problem(shard);
                if (problem != null) {
                    int n = index.tensorsIn(shard).size();
                    throw ShardIndex.fail(indexFile, null, "shard " + shard + problem.replaceFirst("^: ", " is ")
                            + " (the index maps " + n + (n == 1 ? " tensor" : " tensors") + " to it)");
                }
                SafeTensors st = SafeTensors.open(shard);
                opened.add(st);
                byShard.put(shard, st);
            }
            // Names in shard order, each shard's in file order: the order the bytes lie on disk.
            Map<String, SafeTensors> byName = new LinkedHashMap<>();
            for (SafeTensors st : opened) {
                for (String n : st.names()) if (byShard.get(index.shardOf().get(n)) == st) byName.put(n, st);
            }
            for (Map.Entry<String, Path> e : index.shardOf().entrySet()) {
                if (!byName.containsKey(e.getKey())) {
                    throw ShardIndex.fail(indexFile, e.getKey(), "tensor '" + Excerpt.of(e.getKey()) + "' is mapped to shard "
                            + e.getValue() + ", which does not hold it");
                }
            }
            return new SafeTensorsSet(indexFile, opened, byName);
        } catch (IOException | RuntimeException | Error e) {
            opened.forEach(SafeTensors::close);
            throw e;
        }
    }

    /**
     * Every file {@code dir}'s weights consist of: {@code model.safetensors}, or the index and
     * each shard it names. For noticing that a model changed on disk, so it never throws: an
     * index that cannot be read gives just the index (loading it will say what is wrong).
     */
    public static List<Path> weightFiles(Path dir) {
        Path single = dir.resolve(SINGLE), index = dir.resolve(INDEX);
        if (Files.exists(single, LinkOption.NOFOLLOW_LINKS) || !Files.exists(index, LinkOption.NOFOLLOW_LINKS)) return List.of(single);
        List<Path> out = new ArrayList<>(List.of(index));
        try {
            out.addAll(ShardIndex.read(index).shards());
        } catch (IOException | RuntimeException e) {
            // as documented: the stamp then covers the index alone
        }
        return out;
    }

    /** The single safetensors file, or the index of a sharded checkpoint. */
    @Override
    public Path file() { return file; }

    /** The safetensors file(s) read: one, or every shard in the index's order. */
    public List<Path> files() { return files.stream().map(SafeTensors::file).toList(); }

    /** True for a checkpoint read through an index. */
    public boolean sharded() { return !file.equals(files.getFirst().file()); }

    /** Tensor names: shard by shard, each in file order. */
    @Override
    public List<String> names() { return names; }

    @Override
    public boolean contains(String name) { return byName.containsKey(name); }

    @Override
    public TensorInfo info(String name) { return holder(name).info(name); }

    /** The safetensors file that holds {@code name}, for messages about one tensor. */
    public Path fileOf(String name) { return holder(name).file(); }

    @Override
    public Tensor readWeight(String name) throws SafeTensorsException { return holder(name).readWeight(name); }

    @Override
    public Tensor readWeight(String name, WeightsDtype dtype) throws SafeTensorsException { return holder(name).readWeight(name, dtype); }

    @Override
    public Tensor readWeightTransposed(String name, WeightsDtype dtype) throws SafeTensorsException { return holder(name).readWeightTransposed(name, dtype); }

    private SafeTensors holder(String name) {
        SafeTensors st = byName.get(name);
        if (st == null) {
            throw new IllegalArgumentException("no tensor '" + name + "' in " + file + "; it holds " + names.size() + " tensors"
                    + (names.isEmpty() ? "" : ", the first being " + names.subList(0, Math.min(5, names.size()))));
        }
        return st;
    }

    /** Unmaps every file. Idempotent. */
    @Override
    public void close() { files.forEach(SafeTensors::close); }

    @Override
    public String toString() { return "SafeTensorsSet[" + file + ", " + files.size() + " files, " + names.size() + " tensors]"; }
}

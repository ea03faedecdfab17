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
import org.circuitscope.io.EmbeddedModel;
import org.circuitscope.io.HubCache;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.io.ModelDirectory;
import org.circuitscope.io.SafeTensorsSet;

/**
 * Finds and loads model directories once, shared between documents; reloads a model whose
 * files changed on disk. Loading failures come back as {@link ModelProblem}s a user can act on.
 */
public final class ModelCache implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ModelCache.class.getName());

    /** Why no model could be used; {@code kind} picks the diagnostic. */
    public static final class ModelProblem extends Exception {
        public enum Kind { NOT_SET, MISSING, UNREADABLE, NO_TOKENIZER, BACKEND }

        private final Kind kind;

        ModelProblem(Kind kind, String message, Throwable cause) {
            super(message, cause);
            this.kind = kind;
        }

        public Kind kind() { return kind; }
    }

    /** Reports the start and end of a model load (drawn as {@code $/progress}). */
    public interface LoadListener {
        AutoCloseable loading(String what);
    }

    private final Map<Path, ModelHandle> loaded = new ConcurrentHashMap<>();
    private final List<ModelHandle> retired = new ArrayList<>();
    /** Models on a backend other than simd, by directory and backend name: their weights on that backend's device, once. */
    private final Map<String, ModelHandle> onBackend = new ConcurrentHashMap<>();
    private final Map<ModelHandle, org.circuitscope.model.Backend> backends = new ConcurrentHashMap<>();
    private final Backends available;

    public ModelCache() { this(new Backends()); }

    public ModelCache(Backends available) { this.available = available; }

    /**
     * The model directory a prompt names: the front matter's {@code model} relative to the
     * prompt file's folder, then to each workspace root; else the default model setting
     * ({@code circuitscope.defaultModel}, else {@code CIRCUITSCOPE_MODEL}); else the model
     * embedded in the server jar ({@link EmbeddedModel#DEFAULT}, extracted once). A name that
     * is no such folder but reads as a Hugging Face id ({@code EleutherAI/pythia-70m}) is the
     * model's snapshot in the local Hugging Face cache ({@link HubCache#system()}).
     */
    public static Path resolve(String fromFrontMatter, Path documentDir, List<Path> roots, String defaultModel) throws ModelProblem {
        return resolve(fromFrontMatter, documentDir, roots, defaultModel, HubCache.system());
    }

    /**
     * As {@link #resolve(String, Path, List, String)}; a name that is no folder there but reads as
     * a Hugging Face id ({@code org/name[@revision]}) is then looked up in {@code hub}.
     */
    public static Path resolve(String fromFrontMatter, Path documentDir, List<Path> roots, String defaultModel, HubCache hub)
            throws ModelProblem {
        String name = fromFrontMatter != null ? fromFrontMatter : defaultModel;
        if (name == null && org.circuitscope.io.EmbeddedModel.available()) {
            // The jar's own attn-only-2l, as the CLI uses it: a prompt works with no setting at all.
            try {
                return org.circuitscope.io.EmbeddedModel.directory();
            } catch (java.io.IOException e) {
                throw new ModelProblem(ModelProblem.Kind.UNREADABLE, "the embedded default model could not be extracted: " + e.getMessage(), e);
            }
        }
        if (name == null) {
            if (!EmbeddedModel.available()) {
                throw new ModelProblem(ModelProblem.Kind.NOT_SET, "no model chosen and this build carries no embedded default model: add"
                        + " 'circuitscope:\\n  model: <directory>' to the front matter, or set the circuitscope.defaultModel setting", null);
            }
            try {
                return EmbeddedModel.directory();
            } catch (IOException e) {
                throw new ModelProblem(ModelProblem.Kind.UNREADABLE, "the embedded default model " + EmbeddedModel.DEFAULT
                        + " could not be extracted: " + e.getMessage() + "; set circuitscope.defaultModel to a model directory", e);
            }
        }
        List<Path> tried = new ArrayList<>();
        try {
            Path p = Path.of(name.startsWith("~/") ? System.getProperty("user.home") + name.substring(1) : name);
            if (p.isAbsolute()) {
                tried.add(p);
            } else {
                if (fromFrontMatter != null && documentDir != null) tried.add(documentDir.resolve(p));
                for (Path r : roots) tried.add(r.resolve(p));
                if (tried.isEmpty()) tried.add(p.toAbsolutePath());
            }
        } catch (InvalidPathException e) {
            throw new ModelProblem(ModelProblem.Kind.MISSING, "model '" + name + "' is not a valid path: " + e.getMessage(), e);
        }
        for (Path p : tried) if (Files.isDirectory(p)) return p.normalize();
        String notFound = "model directory '" + name + "' not found (looked in " + tried.stream().map(Path::toString).toList() + ")";
        if (HubCache.isModelId(name)) {
            try {
                return hub.resolve(name);
            } catch (IOException e) {
                throw new ModelProblem(ModelProblem.Kind.MISSING, notFound + ", and as a Hugging Face id: " + e.getMessage(), e);
            }
        }
        throw new ModelProblem(ModelProblem.Kind.MISSING, notFound + "; it must hold config.json, model.safetensors and tokenizer.json", null);
    }

    /** The model in {@code dir}, loading it (and telling {@code listener}) when it is new or changed. */
    public ModelHandle get(Path dir, LoadListener listener) throws ModelProblem {
        Path key;
        try {
            key = dir.toRealPath();
        } catch (IOException e) {
            throw new ModelProblem(ModelProblem.Kind.MISSING, "model directory " + dir + " cannot be read: " + e.getMessage(), e);
        }
        long stamp = stamp(key);
        ModelHandle h = loaded.get(key);
        if (h != null && h.stamp() == stamp) return h;
        synchronized (this) {
            h = loaded.get(key);
            if (h != null && h.stamp() == stamp) return h;
            LoadedModel m;
            try (AutoCloseable ignored = listener.loading("Loading model " + key.getFileName())) {
                m = ModelDirectory.load(key);
            } catch (Exception e) {
                throw new ModelProblem(ModelProblem.Kind.UNREADABLE, "model " + key + " could not be loaded: " + e.getMessage(), e);
            }
            if (m.tokenizerOrNull() == null) {
                m.close();
                throw new ModelProblem(ModelProblem.Kind.NO_TOKENIZER, "model " + key + " has no " + ModelDirectory.TOKENIZER
                        + "; the server needs it to tokenise prompts (copy the tokenizer the model was trained with there)", null);
            }
            LOG.info(() -> "loaded model " + m.name() + " from " + key);
            ModelHandle fresh = new ModelHandle(m, stamp);
            // A replaced model may still be read by running work; it is closed with the server.
            ModelHandle old = loaded.put(key, fresh);
            if (old != null) retired.add(old);
            return fresh;
        }
    }

    /**
     * The model in {@code dir} on backend {@code backend} ("simd", "djl"): the SIMD handle, or
     * one sharing its weights and tokenizer whose transformer runs on the other backend,
     * opened once per model version (the weights go to its device once).
     */
    public ModelHandle get(Path dir, String backend, LoadListener listener) throws ModelProblem {
        ModelHandle base = get(dir, listener);
        String name = Backends.normalise(backend);
        if (name.equals(org.circuitscope.model.SimdBackend.NAME)) return base;
        String key = base.dir() + "\0" + name;
        ModelHandle h = onBackend.get(key);
        if (h != null && h.loaded() == base.loaded()) return h;
        synchronized (this) {
            h = onBackend.get(key);
            if (h != null && h.loaded() == base.loaded()) return h;
            org.circuitscope.model.Backend b;
            try (AutoCloseable ignored = listener.loading("Starting the " + name + " backend for " + base.name())) {
                b = available.open(name, base.transformer().weights());
            } catch (IllegalArgumentException e) {
                throw new ModelProblem(ModelProblem.Kind.BACKEND, e.getMessage(), e);
            } catch (Exception | LinkageError e) {
                throw new ModelProblem(ModelProblem.Kind.BACKEND, "the " + name + " backend could not start: " + e, e);
            }
            ModelHandle fresh = new ModelHandle(base.loaded(), base.stamp(), base.transformer().on(b));
            LOG.info(() -> "model " + base.name() + " runs on " + fresh.backendLabel());
            // A replaced version's backend stays open while running work may read it; all close with the cache.
            onBackend.put(key, fresh);
            backends.put(fresh, b);
            return fresh;
        }
    }

    /** Changes when any file the model is made of changes: the config, the tokenizer and every weights file (all shards). */
    static long stamp(Path dir) {
        List<Path> files = new ArrayList<>(List.of(dir.resolve(ModelDirectory.CONFIG), dir.resolve(ModelDirectory.TOKENIZER)));
        files.addAll(SafeTensorsSet.weightFiles(dir));
        return FileStamp.of(files);
    }

    @Override
    public synchronized void close() {
        backends.values().forEach(org.circuitscope.model.Backend::close);
        loaded.values().forEach(h -> h.loaded().close());
        retired.forEach(h -> h.loaded().close());
        backends.clear();
        onBackend.clear();
        loaded.clear();
        retired.clear();
    }
}

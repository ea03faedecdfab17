package org.circuitscope.engine;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Transformer;
import org.circuitscope.tokenizer.Encoding;
import org.circuitscope.tokenizer.Tokenizer;

/**
 * A loaded model shared by every document that uses it, with per-model results that do not
 * depend on the prompt (copying scores, induction on random tokens) memoised by key.
 */
public final class ModelHandle {
    private final LoadedModel model;
    private final long stamp;
    private final Transformer transformer;
    private final Map<String, Object> memo = new ConcurrentHashMap<>();

    public ModelHandle(LoadedModel model, long stamp) { this(model, stamp, model.transformer()); }

    /** The model running on another backend than its loaded SIMD one ({@code transformer} shares its weights). */
    ModelHandle(LoadedModel model, long stamp, Transformer transformer) {
        this.model = model;
        this.stamp = stamp;
        this.transformer = transformer;
    }

    public Path dir() { return model.dir(); }

    public String name() { return model.name(); }

    public ModelConfig config() { return model.config(); }

    /** The model on this handle's backend: every analysis that runs it runs there. */
    public Transformer transformer() { return transformer; }

    /** The backend's name and device, for results and server info ("simd on cpu", "djl on gpu(0)"). */
    public String backendLabel() { return transformer.backend().name() + " on " + transformer.backend().device(); }

    public Tokenizer tokenizer() { return model.tokenizerOrNull(); }

    long stamp() { return stamp; }

    LoadedModel loaded() { return model; }

    /**
     * Encodes under a lock: the native tokenizer is documented as probably, not provably, safe
     * to share, and encoding is cheap next to the forward pass.
     */
    public Encoding encode(String text) {
        synchronized (model) {
            return model.tokenizerOrNull().encode(text);
        }
    }

    /**
     * The text of a token as a user sees it ({@link Tokenizer#displayText}: partial UTF-8 bytes as
     * {@code <0xF0>}); an id the model has but its tokenizer does not (a model whose
     * d_vocab is padded past the tokenizer, as GPT-2-shaped test models are) shows as {@code <id 50256>}.
     */
    public String tokenText(int id) {
        synchronized (model) {
            return model.tokenizerOrNull().label(id);
        }
    }

    /** The decoded text of a token, as inserted into a document (partial UTF-8 bytes decode to U+FFFD). */
    public String decodedText(int id) {
        synchronized (model) {
            return model.tokenizerOrNull().tokenText(id);
        }
    }

    /** A per-model value computed once (e.g. OV copying scores). */
    @SuppressWarnings("unchecked")
    public <T> T memo(String key, Function<ModelHandle, T> compute) {
        Object v = memo.get(key);
        if (v == null) {
            v = compute.apply(this);
            memo.putIfAbsent(key, v);
        }
        return (T) v;
    }
}

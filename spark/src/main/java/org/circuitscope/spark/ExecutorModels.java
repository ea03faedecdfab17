package org.circuitscope.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ConcurrentHashMap;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.io.ModelDirectory;

/**
 * The models this JVM has loaded, by the {@code --model} string: the first task on an executor
 * loads (memory-maps) the model, every later task on it, concurrent or not, shares it. This is
 * the one per-JVM state of the job, and it is what Spark's own broadcast variables would be if a
 * model's weights could travel more cheaply than they can be mapped from a file. Models stay
 * loaded until the JVM exits: an executor serves one application.
 */
final class ExecutorModels {
    private static final ConcurrentHashMap<String, LoadedModel> MODELS = new ConcurrentHashMap<>();

    private ExecutorModels() {}

    static LoadedModel get(String model) {
        return MODELS.computeIfAbsent(model, ExecutorModels::load);
    }

    private static LoadedModel load(String model) {
        try {
            return ModelDirectory.load(ModelLocation.resolve(model));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load model " + model + ": " + e.getMessage(), e);
        }
    }
}

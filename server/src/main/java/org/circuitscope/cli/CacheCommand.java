package org.circuitscope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.io.SafeTensorsWriter;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.RunOptions;
import org.circuitscope.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Runs the model and writes its activations as safetensors keyed by TransformerLens hook name,
 * so a Python user opens them with {@code safetensors.torch.load_file}.
 */
@Command(name = "cache", mixinStandardHelpOptions = true,
        description = "Write every recorded activation (keyed by hook name, float32) and the tokens to a safetensors file.")
final class CacheCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;
    @Mixin InputOptions input;
    @Option(names = "--names", paramLabel = "REGEX", description = "Record only hook names matching this regular expression (whole name).")
    String names;
    @Option(names = "--out", required = true, paramLabel = "FILE.safetensors", description = "Where to write the cache.")
    Path out;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        RunOptions opts;
        try {
            opts = names == null ? RunOptions.cacheAll() : RunOptions.matching(names);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("--names: not a regular expression: " + e.getDescription());
        }
        OutputFiles.checkWritable(out, "--out");
        try (LoadedModel m = modelOptions.load()) {
            InputOptions.Prompt prompt = input.resolve(m);
            ActivationCache cache = m.transformer().run(prompt.tokens(), opts);
            if (names != null && cache.names().isEmpty()) {
                throw new IllegalArgumentException("--names " + Text.quoteInput(names) + " matches no hook point (e.g. blocks.0.attn.hook_pattern)");
            }
            Map<String, Tensor> tensors = new LinkedHashMap<>(cache.asMap());
            int[] ids = prompt.tokens();
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("model", m.name());
            meta.put("tokens", java.util.Arrays.toString(ids));
            try {
                SafeTensorsWriter.write(out, tensors, meta, "F32", Map.of("tokens", ids));
            } catch (IOException e) {
                throw OutputFiles.cannotWrite(out, "--out", e);
            }
            PrintWriter w = spec.commandLine().getOut();
            w.printf("wrote %d activations for %d tokens to %s%n", tensors.size(), ids.length, out);
        }
        return 0;
    }
}

package org.circuitscope.cli;

import org.circuitscope.io.LoadedModel;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.RunOptions;
import org.circuitscope.tensor.Tensor;
import picocli.CommandLine.Option;

/** {@code --pos} and {@code --target}, shared by the commands that explain one prediction. */
final class PositionOptions {
    @Option(names = "--pos", paramLabel = "N", description = "Position (default: the last; negative counts from the end).")
    Integer pos;

    @Option(names = "--target", paramLabel = "ID|TEXT",
            description = "Target token: an id, or text that is one token (default: the token at N+1, or the model's top prediction at the last position).")
    String target;

    /** The zero-based position for a prompt of {@code length} tokens. */
    int position(int length) { return TargetTokens.position(pos, length); }

    /** The target id at position {@code p}, given the prompt's logits. */
    int target(LoadedModel m, int[] ids, int p, Tensor logits) { return TargetTokens.target(target, m, ids, p, logits); }

    /** One prediction to explain: the prompt, its run, the position and the target there. */
    record Explained(InputOptions.Prompt prompt, int[] ids, ActivationCache cache, int position, int target) {}

    /** Tokenizes the input, runs the model with {@code run}, and resolves --pos and --target on the result. */
    Explained explain(LoadedModel m, InputOptions input, RunOptions run) throws java.io.IOException {
        InputOptions.Prompt prompt = input.resolve(m);
        int[] ids = prompt.tokens();
        int p = position(ids.length);
        ActivationCache cache = m.transformer().run(ids, run);
        return new Explained(prompt, ids, cache, p, target(m, ids, p, cache.logits()));
    }
}

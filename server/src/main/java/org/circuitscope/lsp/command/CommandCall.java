package org.circuitscope.lsp.command;

import java.util.function.Function;
import com.google.gson.JsonObject;
import org.circuitscope.circuits.WorkProgress;
import org.circuitscope.engine.Cancel;
import org.circuitscope.engine.DocumentSaes;
import org.circuitscope.engine.LineIndex;
import org.circuitscope.engine.ModelHandle;
import org.circuitscope.engine.PromptRun;
import org.circuitscope.engine.PromptWorkspace;
import org.circuitscope.engine.Settings;
import org.circuitscope.engine.TrackedWork;
import org.circuitscope.report.Prompt;

/**
 * One call of a command: its JSON argument, the document's run it reads and the document's SAEs;
 * {@code progress} shows long work to the client ({@link PromptWorkspace#track}).
 */
public record CommandCall(String command, JsonObject args, PromptRun run, LineIndex index, Settings settings, Cancel cancel,
                          DocumentSaes saes, Function<String, TrackedWork> progress) {

    public CommandCall {
        if (saes == null) saes = DocumentSaes.NONE;
    }

    public ModelHandle model() { return run.model(); }

    /**
     * A per-model value memoised on the model (it does not depend on the prompt), computed the
     * first time under a progress report titled {@code title} and the model's name.
     */
    public <T> T memo(String key, String title, Function<WorkProgress, T> compute) {
        return model().memo(key, m -> {
            try (TrackedWork p = progress.apply(title + " of " + m.name())) {
                return compute.apply(p);
            }
        });
    }

    /** The run as the reports see it: model, token ids and token texts. */
    public Prompt prompt() { return new Prompt(run.model().name(), run.model().transformer(), run.ids(), run.model()::tokenText); }

    /** An optional positive integer argument. */
    public int optInt(String key, int def) {
        if (!args.has(key) || args.get(key).isJsonNull()) return def;
        int v = org.circuitscope.lsp.protocol.Params.integer(args, key, command);
        if (v < 1) throw org.circuitscope.lsp.protocol.Params.invalid(command + ": '" + key + "' must be at least 1, got " + v);
        return v;
    }
}

package org.circuitscope.lsp.command;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.circuitscope.engine.LineIndex;
import org.circuitscope.engine.PromptRun;
import org.circuitscope.engine.PromptWorkspace;
import org.circuitscope.lsp.protocol.Answers;
import org.circuitscope.lsp.protocol.Params;
import org.circuitscope.lsp.protocol.Snippet;
import org.circuitscope.report.ReportJson;
import org.circuitscope.report.TokenRef;

/**
 * {@code workspace/executeCommand} and the custom requests {@code circuitscope/<name>}: finds the
 * command, runs it on the document's current run, and answers its report as the command line
 * prints it with {@code --json}, plus each token's document {@code range}. Every failure is an
 * error response (InvalidParams, RequestFailed) naming what was wrong.
 */
public final class CommandRegistry {
    private final PromptWorkspace ws;
    private final Map<String, ServerCommand> commands = new LinkedHashMap<>();

    public CommandRegistry(PromptWorkspace ws) {
        this.ws = ws;
        for (ServerCommand c : List.of(new InspectHeadCommand(ws), new AttentionPatternCommand(), new PathExpansionCommand(),
                new AttributeCommand(), new AblateCommand(), new DetectHeadsCommand(), new LogitLensCommand(), new PredictCommand(),
                new CompositionScoresCommand(), new PatchCommand(ws), new TermImportanceCommand(),
                new FeatureCardCommand(),
                new ScanExamplesCommand(ws))) {
            commands.put(c.id(), c);
        }
    }

    public List<String> ids() { return List.copyOf(commands.keySet()); }

    public CompletableFuture<Object> execute(String id, JsonElement argument) {
        try {
            ServerCommand command = id == null ? null : commands.get(id);
            if (command == null) {
                throw Params.invalid("unknown command " + Snippet.of(id) + "; this server has " + String.join(", ", commands.keySet()));
            }
            JsonObject o = Params.object(id, argument);
            String uri = Params.string(o, "uri", id);
            if (ws.document(uri) == null) throw Params.invalid(id + ": the document " + Snippet.of(uri) + " is not open (send didOpen first)");
            return Answers.of(ws.<Object>request(uri, null, (a, cancel) -> {
                if (a.run() == null) {
                    throw Params.failed(id + ": no analysis for " + uri + ": "
                            + (a.problem() != null ? a.problem().getMessage() : "the prompt is empty"));
                }
                if (a.run().length() == 0) throw Params.failed(id + ": the prompt " + uri + " has no tokens");
                LineIndex idx = new LineIndex(a.run().doc().text(), ws.encoding());
                Object report = command.run(new CommandCall(id, o, a.run(), idx, ws.settings(), cancel, a.saes(), ws::track));
                return ReportJson.tree(report, (t, json) -> addRange(t, json, a.run(), idx));
            }));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The document range of a prompt token (a BOS token has the empty range at the body's start). */
    private static void addRange(TokenRef t, JsonObject json, PromptRun run, LineIndex idx) {
        if (t.position() == null || t.position() < 0 || t.position() >= run.length()) return;
        JsonObject range = new JsonObject();
        range.add("start", point(idx, run.starts()[t.position()]));
        range.add("end", point(idx, run.ends()[t.position()]));
        json.add("range", range);
    }

    private static JsonObject point(LineIndex idx, int offset) {
        var p = idx.position(offset);
        JsonObject o = new JsonObject();
        o.addProperty("line", p.line());
        o.addProperty("character", p.character());
        return o;
    }
}

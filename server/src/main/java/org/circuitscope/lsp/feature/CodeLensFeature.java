package org.circuitscope.lsp.feature;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.circuitscope.engine.LineIndex;
import org.circuitscope.engine.PromptRun;
import org.circuitscope.lsp.protocol.CommandIds;
import org.circuitscope.lsp.protocol.Positions;
import org.eclipse.lsp4j.CodeLens;
import org.eclipse.lsp4j.Command;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;

/** Lenses on the first line: the model and the prompt's mean loss, then actions. */
public final class CodeLensFeature {
    private CodeLensFeature() {}

    public static List<CodeLens> lenses(PromptRun run, LineIndex idx) {
        Range top = new Range(new Position(0, 0), new Position(0, 0));
        List<CodeLens> out = new ArrayList<>();
        int scored = Math.max(0, run.length() - 1);
        double loss = run.meanLoss();
        String summary = run.model().name() + " · " + (scored == 0 ? "no scored tokens"
                : "mean loss " + Show.num(loss, 3) + " nats (" + Show.num(loss / Math.log(2), 2) + " bits) over " + scored + " tokens");
        out.add(new CodeLens(top, new Command(summary, ""), null));
        JsonObject doc = new JsonObject();
        doc.addProperty("uri", run.doc().uri());
        out.add(new CodeLens(top, new Command("Inspect heads", CommandIds.DETECT_HEADS, List.of(doc)), null));
        JsonObject attn = doc.deepCopy();
        attn.addProperty("layer", 0);
        out.add(new CodeLens(top, new Command("Attention", CommandIds.ATTENTION_PATTERN, List.of(attn)), null));
        if (run.length() > 0) {
            JsonObject paths = doc.deepCopy();
            paths.add("position", new Gson().toJsonTree(Positions.lsp(idx.position(run.starts()[run.length() - 1]))));
            out.add(new CodeLens(top, new Command("Path expansion", CommandIds.PATH_EXPANSION, List.of(paths)), null));
        }
        return out;
    }
}

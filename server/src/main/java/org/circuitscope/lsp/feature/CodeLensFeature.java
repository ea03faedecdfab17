package org.circuitscope.lsp.feature;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.circuitscope.engine.LineIndex;
import org.circuitscope.engine.PromptRun;
import org.circuitscope.lsp.protocol.CommandIds;
import org.circuitscope.lsp.protocol.Positions;
import org.circuitscope.lsp.protocol.ViewLinks;
import org.eclipse.lsp4j.CodeLens;
import org.eclipse.lsp4j.Command;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;

/** Lenses on the first line: the model and the prompt's mean loss, then actions. */
public final class CodeLensFeature {
    private CodeLensFeature() {}

    public static List<CodeLens> lenses(PromptRun run, LineIndex idx) { return lenses(run, idx, ViewLinks.COMMANDS); }

    /** The lenses, their actions showing views where {@code links} says. */
    public static List<CodeLens> lenses(PromptRun run, LineIndex idx, ViewLinks links) {
        Range top = new Range(new Position(0, 0), new Position(0, 0));
        List<CodeLens> out = new ArrayList<>();
        int scored = Math.max(0, run.length() - 1);
        double loss = run.meanLoss();
        String summary = run.model().name() + " · " + (scored == 0 ? "no scored tokens"
                : "mean loss " + Show.num(loss, 3) + " nats (" + Show.num(loss / Math.log(2), 2) + " bits) over " + scored + " tokens");
        out.add(new CodeLens(top, new Command(summary, ""), null));
        JsonObject doc = new JsonObject();
        doc.addProperty("uri", run.doc().uri());
        out.add(new CodeLens(top, links.lens("Inspect heads", CommandIds.DETECT_HEADS, doc), null));
        JsonObject attn = doc.deepCopy();
        attn.addProperty("layer", 0);
        out.add(new CodeLens(top, links.lens("Attention", CommandIds.ATTENTION_PATTERN, attn), null));
        if (run.length() > 0) {
            JsonObject paths = doc.deepCopy();
            paths.add("position", new Gson().toJsonTree(Positions.lsp(idx.position(run.starts()[run.length() - 1]))));
            out.add(new CodeLens(top, links.lens("Path expansion", CommandIds.PATH_EXPANSION, paths), null));
        }
        return out;
    }
}

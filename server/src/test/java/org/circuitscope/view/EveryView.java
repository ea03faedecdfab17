package org.circuitscope.view;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** One request for every picture, on a document of {@link Answers}, with the server's answers. */
final class EveryView {
    private EveryView() {}

    /** A command, what it ran with, its answer, and a short name for files. */
    record Drawn(String name, String command, JsonObject args, JsonElement answer) {
        Page page(PageOptions options) { return Pages.render(command, args, answer, options); }
    }

    /** The requests; {@code target} is a character offset on line 0 whose token the position-based views explain. */
    static List<Drawn> of(Answers a, int target) throws Exception { return of(a, target, 0); }

    static List<Drawn> of(Answers a, int character, int line) throws Exception {
        String at = "{\"line\":" + line + ",\"character\":" + character + "}";
        String[][] requests = {
            {"attention-L1H0", "circuitscope.attentionPattern", "{\"layer\":1,\"head\":0}"},
            {"attention-layer0", "circuitscope.attentionPattern", "{\"layer\":0}"},
            {"head-L1H0", "circuitscope.inspectHead", "{\"layer\":1,\"head\":0}"},
            {"heads", "circuitscope.detectHeads", "{}"},
            {"path-expansion", "circuitscope.pathExpansion", "{\"position\":" + at + "}"},
            {"attribution-direct", "circuitscope.attribute", "{\"position\":" + at + "}"},
            {"attribution-integrated-gradients", "circuitscope.attribute", "{\"position\":" + at + ",\"method\":\"integrated-gradients\",\"steps\":16}"},
            {"ablation-L1H0", "circuitscope.ablate", "{\"heads\":[\"L1H0\"]}"},
            {"logit-lens", "circuitscope.logitLens", "{\"position\":" + at + "}"},
            {"composition", "circuitscope.compositionScores", "{}"},
            // The document patched with itself: every prompt has a same-length corrupt prompt, and the page must say nothing normalises.
            {"patch", "circuitscope.patch", "{\"corruptUri\":\"" + a.uri + "\",\"metric\":\"loss\"}"},
            {"term-importance", "circuitscope.termImportance", "{}"},
            {"feature-card", "circuitscope.featureCard", "{\"feature\":\"" + Answers.FEATURE + "\"}"},
            {"scan-examples-L1H0", "circuitscope.scanExamples", "{\"head\":\"1.0\"}"},
        };
        a.useScan();
        List<Drawn> out = new ArrayList<>();
        for (String[] r : requests) {
            JsonObject args = a.args(r[2]);
            out.add(new Drawn(r[0], r[1], args, a.answer(r[1], args)));
        }
        return out;
    }
}

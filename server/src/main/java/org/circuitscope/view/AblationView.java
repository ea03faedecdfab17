package org.circuitscope.view;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** {@code circuitscope.ablate}: each predicted token coloured by the change in its log-probability when the heads are ablated. */
final class AblationView implements View {
    @Override public String name() { return "Ablation"; }

    @Override
    public String title(JsonObject r) {
        List<String> heads = new ArrayList<>();
        Answer.array(r, "heads").forEach(h -> heads.add(h.getAsString()));
        if (Answer.has(r, "features")) Answer.array(r, "features").forEach(f -> heads.add(f.getAsString()));
        return "Ablation of " + String.join(", ", heads);
    }

    @Override
    public String subtitle(JsonObject r) {
        String what = Answer.array(r, "heads").isEmpty() ? "features scaled" : Answer.string(r, "mode") + " ablation";
        return " · " + what + " · mean loss " + Num.fixed(Answer.number(r, "mean_loss")) + " → "
                + Num.fixed(Answer.number(r, "ablated_mean_loss")) + " nats";
    }

    @Override
    public String body(JsonObject r, JsonObject request, Links links) {
        return "<h2>Change in log-probability of each token</h2>" + TokenStrip.html(tokens(r));
    }

    /** The next token of each row carries the change, in prompt order. */
    static List<TokenStrip.Heat> tokens(JsonObject r) {
        TreeMap<Integer, TokenStrip.Heat> by = new TreeMap<>();
        for (JsonObject p : Answer.objects(r, "positions")) {
            Tok next = Tok.of(p, "next");
            if (next.position() == null) continue;
            double change = Answer.number(p, "change");
            by.put(next.position(), new TokenStrip.Heat(next.position(), next.text(), change, next.quoted() + " @" + next.position() + ": log p "
                    + Num.fixed(Answer.number(p, "logprob"), 2) + " → " + Num.fixed(Answer.number(p, "ablated_logprob"), 2) + " (" + Num.signed(change) + ")"));
        }
        return new ArrayList<>(by.values());
    }
}

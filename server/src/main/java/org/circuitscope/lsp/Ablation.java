package org.circuitscope.lsp;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.circuitscope.model.Hook;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.LogitOps;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.RunOptions;
import org.circuitscope.tensor.Tensor;
import org.eclipse.lsp4j.jsonrpc.CancelChecker;

/**
 * {@code circuitscope.ablate}: zero-ablates (or, with {@code mean: true}, mean-ablates over this
 * prompt's positions) the heads' outputs {@code hook_z} and reports each token's change in
 * log-probability. Stand-in until the circuits library's interventions are merged; it is a
 * plain hook on the forward pass, as TransformerLens does it.
 */
final class Ablation {
    private Ablation() {}

    record TokenDelta(int index, String text, double logprob, double ablated_logprob, double delta) {}

    record Result(String model, List<String> heads, boolean mean, double mean_loss, double ablated_mean_loss, List<TokenDelta> tokens) {}

    private static final Pattern LABEL = Pattern.compile("(?i)L?(\\d+)[H.](\\d+)");

    static Result run(JsonObject o, PromptRun run, CancelChecker cancel) {
        ModelConfig c = run.model().config();
        boolean mean = Params.bool(o, "mean", false, Commands.ABLATE);
        Set<List<Integer>> heads = heads(o.get("heads"), c);
        Map<Integer, List<Integer>> byLayer = new HashMap<>();
        for (List<Integer> h : heads) byLayer.computeIfAbsent(h.get(0), k -> new ArrayList<>()).add(h.get(1));
        Map<String, Hook> hooks = new HashMap<>(ActivationStore.cancelHooks(c, cancel));
        int nh = c.nHeads(), dh = c.dHead();
        byLayer.forEach((l, hs) -> hooks.put(HookPoint.attn(l, "z"), (z, name) -> {
            Tensor out = z.copy();
            float[] d = out.data();
            int t = z.dim(0);
            for (int h : hs) {
                float[] avg = new float[dh];
                if (mean) {
                    for (int q = 0; q < t; q++) for (int i = 0; i < dh; i++) avg[i] += d[(q * nh + h) * dh + i] / t;
                }
                for (int q = 0; q < t; q++) System.arraycopy(avg, 0, d, (q * nh + h) * dh, dh);
            }
            return out;
        }));
        Tensor ablated = run.model().transformer().run(run.ids(), new RunOptions(n -> false, hooks)).logits();
        List<TokenDelta> rows = new ArrayList<>();
        double before = 0, after = 0;
        for (int p = 1; p < run.length(); p++) {
            if ((p & 63) == 0) cancel.checkCanceled();
            double lp = run.logProb()[p], alp = LogitOps.logSoftmax(ablated, p - 1)[run.ids()[p]];
            before -= lp;
            after -= alp;
            rows.add(new TokenDelta(p, run.model().tokenText(run.ids()[p]), lp, alp, alp - lp));
        }
        int n = Math.max(1, rows.size());
        List<String> labels = heads.stream().map(h -> ModelConfig.headLabel(h.get(0), h.get(1))).toList();
        return new Result(run.model().name(), labels, mean, before / n, after / n, rows);
    }

    /** Heads as ["L0H1", "0.1", {"layer": 0, "head": 1}, ...], each checked against the model. */
    static Set<List<Integer>> heads(JsonElement e, ModelConfig c) {
        String cmd = Commands.ABLATE;
        if (e == null || !e.isJsonArray() || e.getAsJsonArray().isEmpty()) {
            throw Params.invalid(cmd + ": 'heads' must be a non-empty array of heads, e.g. [\"L0H1\", {\"layer\": 1, \"head\": 0}]");
        }
        Set<List<Integer>> out = new LinkedHashSet<>();
        JsonArray a = e.getAsJsonArray();
        for (JsonElement h : a) {
            int l, k;
            if (h.isJsonObject()) {
                l = Params.integer(h.getAsJsonObject(), "layer", cmd);
                k = Params.integer(h.getAsJsonObject(), "head", cmd);
            } else if (h.isJsonPrimitive() && h.getAsJsonPrimitive().isString()) {
                Matcher m = LABEL.matcher(h.getAsString().strip());
                if (!m.matches()) throw Params.invalid(cmd + ": '" + h.getAsString() + "' is not a head; write L1H6, 1.6 or {\"layer\": 1, \"head\": 6}");
                try {
                    l = Integer.parseInt(m.group(1));
                    k = Integer.parseInt(m.group(2));
                } catch (NumberFormatException x) {
                    throw Params.invalid(cmd + ": '" + h.getAsString() + "' names a head number too large");
                }
            } else {
                throw Params.invalid(cmd + ": " + h + " is not a head; write L1H6, 1.6 or {\"layer\": 1, \"head\": 6}");
            }
            Commands.checkHead(c, l, k, cmd);
            out.add(List.of(l, k));
        }
        return out;
    }
}

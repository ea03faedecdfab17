package org.circuitscope.lsp;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.circuitscope.circuits.CopyingScore;
import org.circuitscope.circuits.HeadDetectors;
import org.circuitscope.circuits.HeadDetectors.Detector;
import org.circuitscope.model.ModelConfig;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.jsonrpc.CancelChecker;

/**
 * {@code workspace/executeCommand} and the custom requests {@code circuitscope/<name>}: each
 * command takes one JSON object and returns JSON that clients draw. Command names and payload
 * shapes are the constants and records here (see the README's "Language server" section).
 */
public final class Commands {
    public static final String INSPECT_HEAD = "circuitscope.inspectHead";
    public static final String ATTENTION_PATTERN = "circuitscope.attentionPattern";
    public static final String PATH_EXPANSION = "circuitscope.pathExpansion";
    public static final String ATTRIBUTE = "circuitscope.attribute";
    public static final String ABLATE = "circuitscope.ablate";
    public static final String DETECT_HEADS = "circuitscope.detectHeads";
    public static final String LOGIT_LENS = "circuitscope.logitLens";
    public static final List<String> ALL = List.of(INSPECT_HEAD, ATTENTION_PATTERN, PATH_EXPANSION, ATTRIBUTE, ABLATE, DETECT_HEADS, LOGIT_LENS);

    /** The custom request method for a command: {@code circuitscope.inspectHead} → {@code circuitscope/inspectHead}. */
    public static String requestMethod(String command) { return command.replace('.', '/'); }

    /** A token as commands report it. */
    public record TokenInfo(int index, int id, String text, Position start, Position end) {}

    public record Head(int layer, int head, String label) {}

    public record HeadPattern(int head, String label, float[][] pattern) {}

    public record AttentionResult(String model, int layer, List<TokenInfo> tokens, List<HeadPattern> heads) {}

    public record InspectHeadResult(String model, int layer, int head, String label, List<TokenInfo> tokens, float[][] pattern,
                                    Map<String, Double> scores, double copying_score, List<HeadInspection.Trigram> skip_trigrams,
                                    HeadInspection.Composition composition) {}

    public record HeadScores(int layer, int head, String label, double previous_token, double duplicate_token, double induction,
                             double induction_repeated_random, double copying_score) {}

    public record DetectHeadsResult(String model, int tokens, List<HeadScores> heads) {}

    /** Attribution methods that need the backward pass (org.circuitscope.circuits.GradientAttribution, not in this build yet). */
    static final List<String> GRADIENT_METHODS = List.of("saliency", "input-x-gradient", "integrated-gradients");

    private final PromptWorkspace ws;

    public Commands(PromptWorkspace ws) {
        this.ws = ws;
    }

    /** Runs a command; every failure is an error response (InvalidParams, RequestFailed) naming what was wrong. */
    public CompletableFuture<Object> execute(String command, JsonElement argument) {
        try {
            if (!ALL.contains(command)) {
                throw Params.invalid("unknown command '" + command + "'; this server has " + String.join(", ", ALL));
            }
            JsonObject o = Params.object(command, argument);
            String uri = Params.string(o, "uri", command);
            if (ws.document(uri) == null) throw Params.invalid(command + ": the document " + uri + " is not open (send didOpen first)");
            return ws.<Object>request(uri, null, (a, cancel) -> {
                if (a.run() == null) {
                    throw Params.failed(command + ": no analysis for " + uri + ": "
                            + (a.problem() != null ? a.problem().getMessage() : "the prompt is empty"));
                }
                if (a.run().length() == 0) throw Params.failed(command + ": the prompt " + uri + " has no tokens");
                return run(command, o, a.run(), cancel);
            });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private Object run(String command, JsonObject o, PromptRun run, CancelChecker cancel) {
        LineIndex idx = new LineIndex(run.doc().text(), ws.encoding());
        return switch (command) {
            case INSPECT_HEAD -> inspectHead(o, run, idx, cancel);
            case ATTENTION_PATTERN -> attention(o, run, idx, cancel);
            case DETECT_HEADS -> detectHeads(run, cancel);
            case ATTRIBUTE -> attribute(o, run, idx, cancel);
            case PATH_EXPANSION -> PathsFeature.run(Target.of(o, run, idx, command), run, optInt(o, "top", 40, command), cancel);
            case ABLATE -> AblateFeature.run(o, run, cancel);
            case LOGIT_LENS -> LensFeature.run(Target.of(o, run, idx, command), run, optInt(o, "top", ws.settings().topK(), command), cancel);
            default -> throw Params.invalid("unknown command " + command);
        };
    }

    static List<TokenInfo> tokens(PromptRun run, LineIndex idx) {
        List<TokenInfo> out = new ArrayList<>(run.length());
        for (int p = 0; p < run.length(); p++) {
            out.add(new TokenInfo(p, run.ids()[p], run.model().tokenText(run.ids()[p]), idx.position(run.starts()[p]), idx.position(run.ends()[p])));
        }
        return out;
    }

    static Head head(JsonObject o, ModelConfig c, String command) {
        int l = Params.integer(o, "layer", command), h = Params.integer(o, "head", command);
        checkHead(c, l, h, command);
        return new Head(l, h, ModelConfig.headLabel(l, h));
    }

    static void checkHead(ModelConfig c, int l, int h, String command) {
        if (l < 0 || l >= c.nLayers() || h < 0 || h >= c.nHeads()) {
            throw Params.invalid(command + ": head " + ModelConfig.headLabel(l, h) + " does not exist; " + c.modelName() + " has "
                    + c.nLayers() + " layers (0.." + (c.nLayers() - 1) + ") × " + c.nHeads() + " heads (0.." + (c.nHeads() - 1) + ")");
        }
    }

    /** Rows q of head h's pattern, each holding keys 0..q (the causal part). */
    static float[][] pattern(PromptRun run, int l, int h, CancelChecker cancel) {
        float[] a = run.acts().get(org.circuitscope.model.HookPoint.attn(l, "pattern"), cancel).data();
        int t = run.length();
        float[][] rows = new float[t][];
        for (int q = 0; q < t; q++) {
            rows[q] = new float[q + 1];
            System.arraycopy(a, (h * t + q) * t, rows[q], 0, q + 1);
        }
        return rows;
    }

    private Object inspectHead(JsonObject o, PromptRun run, LineIndex idx, CancelChecker cancel) {
        ModelConfig c = run.model().config();
        Head hd = head(o, c, INSPECT_HEAD);
        float[][] pattern = pattern(run, hd.layer(), hd.head(), cancel);
        Map<Detector, double[][]> det = detectors(run, cancel);
        Map<String, Double> scores = new LinkedHashMap<>();
        scores.put("previous_token", det.get(Detector.PREVIOUS_TOKEN)[hd.layer()][hd.head()]);
        scores.put("duplicate_token", det.get(Detector.DUPLICATE_TOKEN)[hd.layer()][hd.head()]);
        scores.put("induction", det.get(Detector.INDUCTION)[hd.layer()][hd.head()]);
        scores.put("induction_repeated_random", repeatedInduction(run.model())[hd.layer()][hd.head()]);
        return new InspectHeadResult(run.model().name(), hd.layer(), hd.head(), hd.label(), tokens(run, idx), pattern, scores,
                copying(run.model())[hd.layer()][hd.head()], HeadInspection.skipTrigrams(run.model(), hd.layer(), hd.head(), 10),
                HeadInspection.composition(run.model(), hd.layer(), hd.head(), 12));
    }

    /** An optional positive integer argument. */
    static int optInt(JsonObject o, String key, int def, String command) {
        if (!o.has(key) || o.get(key).isJsonNull()) return def;
        int v = Params.integer(o, key, command);
        if (v < 1) throw Params.invalid(command + ": '" + key + "' must be at least 1, got " + v);
        return v;
    }

    private Object attention(JsonObject o, PromptRun run, LineIndex idx, CancelChecker cancel) {
        ModelConfig c = run.model().config();
        int l = Params.integer(o, "layer", ATTENTION_PATTERN);
        List<HeadPattern> heads = new ArrayList<>();
        if (o.has("head") && !o.get("head").isJsonNull()) {
            Head h = head(o, c, ATTENTION_PATTERN);
            heads.add(new HeadPattern(h.head(), h.label(), pattern(run, l, h.head(), cancel)));
        } else {
            checkHead(c, l, 0, ATTENTION_PATTERN);
            for (int h = 0; h < c.nHeads(); h++) heads.add(new HeadPattern(h, ModelConfig.headLabel(l, h), pattern(run, l, h, cancel)));
        }
        return new AttentionResult(run.model().name(), l, tokens(run, idx), heads);
    }

    private Object detectHeads(PromptRun run, CancelChecker cancel) {
        ModelConfig c = run.model().config();
        Map<Detector, double[][]> det = detectors(run, cancel);
        double[][] ind = repeatedInduction(run.model()), cop = copying(run.model());
        List<HeadScores> out = new ArrayList<>();
        for (int l = 0; l < c.nLayers(); l++) {
            for (int h = 0; h < c.nHeads(); h++) {
                out.add(new HeadScores(l, h, ModelConfig.headLabel(l, h), det.get(Detector.PREVIOUS_TOKEN)[l][h],
                        det.get(Detector.DUPLICATE_TOKEN)[l][h], det.get(Detector.INDUCTION)[l][h], ind[l][h], cop[l][h]));
            }
        }
        return new DetectHeadsResult(run.model().name(), run.length(), out);
    }

    private Object attribute(JsonObject o, PromptRun run, LineIndex idx, CancelChecker cancel) {
        String method = o.has("method") ? Params.string(o, "method", ATTRIBUTE) : "direct";
        if (GRADIENT_METHODS.contains(method)) {
            int steps = o.has("steps") ? Params.integer(o, "steps", ATTRIBUTE) : 50;
            if (steps < 1 || steps > 1000) throw Params.invalid(ATTRIBUTE + ": 'steps' must be between 1 and 1000");
            return Attribution.gradient(run, Target.of(o, run, idx, ATTRIBUTE), method, steps, cancel);
        }
        if (!method.equals("direct")) {
            throw Params.invalid(ATTRIBUTE + ": unknown method '" + method + "'; methods are direct, " + String.join(", ", GRADIENT_METHODS));
        }
        return Attribution.direct(run, Target.of(o, run, idx, ATTRIBUTE), cancel);
    }

    private static Map<Detector, double[][]> detectors(PromptRun run, CancelChecker cancel) {
        ModelConfig c = run.model().config();
        List<String> names = new ArrayList<>();
        for (int l = 0; l < c.nLayers(); l++) names.add(org.circuitscope.model.HookPoint.attn(l, "pattern"));
        org.circuitscope.model.ActivationCache cache = run.acts().cacheWith(names, cancel);
        Map<Detector, double[][]> out = new LinkedHashMap<>();
        for (Detector d : Detector.values()) out.put(d, HeadDetectors.score(c, cache, d));
        return out;
    }

    static double[][] copying(ModelHandle m) {
        return m.memo("ov-copying", x -> CopyingScore.ov(x.transformer().weights()));
    }

    static double[][] repeatedInduction(ModelHandle m) {
        return m.memo("induction-repeated", x -> {
            int len = Math.max(1, Math.min(50, (x.config().nCtx() - 1) / 2));
            int bos = x.tokenizer().bosId().orElse(0);
            return HeadDetectors.inductionOnRepeatedTokens(x.transformer(), bos, 4, len, 0);
        });
    }
}

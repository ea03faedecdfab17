package org.circuitscope.lsp.command;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.circuitscope.circuits.CopyingScore;
import org.circuitscope.circuits.HeadDetectors;
import org.circuitscope.circuits.HeadDetectors.Detector;
import org.circuitscope.engine.Cancel;
import org.circuitscope.engine.ModelHandle;
import org.circuitscope.engine.PromptRun;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.report.HeadSummary;
import org.circuitscope.report.TokenRef;

/** What the head commands read: patterns and detector scores on the prompt, and per-model scores memoised on the model. */
final class HeadData {
    private HeadData() {}

    static List<TokenRef> tokens(PromptRun run) {
        List<TokenRef> out = new ArrayList<>(run.length());
        for (int p = 0; p < run.length(); p++) out.add(new TokenRef(p, run.ids()[p], run.model().tokenText(run.ids()[p])));
        return out;
    }

    /** Rows q of head h's pattern, each holding keys 0..q (the causal part). */
    static float[][] pattern(PromptRun run, int l, int h, Cancel cancel) {
        float[] a = run.acts().get(HookPoint.attn(l, "pattern"), cancel).data();
        int t = run.length();
        float[][] rows = new float[t][];
        for (int q = 0; q < t; q++) {
            rows[q] = new float[q + 1];
            System.arraycopy(a, (h * t + q) * t, rows[q], 0, q + 1);
        }
        return rows;
    }

    static Map<Detector, double[][]> detectors(PromptRun run, Cancel cancel) {
        ModelConfig c = run.model().config();
        List<String> names = new ArrayList<>();
        for (int l = 0; l < c.nLayers(); l++) names.add(HookPoint.attn(l, "pattern"));
        ActivationCache cache = run.acts().cacheWith(names, cancel);
        Map<Detector, double[][]> out = new LinkedHashMap<>();
        for (Detector d : Detector.values()) out.put(d, HeadDetectors.score(c, cache, d));
        return out;
    }

    static double[][][][] ovEigenvalues(CommandCall call) {
        return call.memo("ov-eigenvalues", "OV copying scores", p -> CopyingScore.ovEigenvalues(call.model().transformer().weights(), p));
    }

    static double[][][][] qkEigenvalues(CommandCall call) {
        return call.memo("qk-eigenvalues", "QK copying scores", p -> CopyingScore.qkEigenvalues(call.model().transformer().weights(), p));
    }

    static double[][] ovCopying(CommandCall call) { return call.model().memo("ov-copying", x -> CopyingScore.scores(ovEigenvalues(call))); }

    static double[][] qkCopying(CommandCall call) { return call.model().memo("qk-copying", x -> CopyingScore.scores(qkEigenvalues(call))); }

    /** Head (l, h)'s scores on the run's prompt and the model's own; {@code trigrams} skip-trigrams (none when 0). */
    static HeadSummary summary(CommandCall call, Map<Detector, double[][]> det, int l, int h, int trigrams) {
        ModelHandle m = call.model();
        return new HeadSummary(l, h, ModelConfig.headLabel(l, h), det.get(Detector.PREVIOUS_TOKEN)[l][h], det.get(Detector.DUPLICATE_TOKEN)[l][h],
                det.get(Detector.INDUCTION)[l][h], repeatedInduction(call)[l][h], ovCopying(call)[l][h], qkCopying(call)[l][h],
                trigrams == 0 ? null : HeadInspection.skipTrigrams(m, l, h, trigrams), ovEigenvalues(call)[l][h], qkEigenvalues(call)[l][h]);
    }

    static double[][] repeatedInduction(CommandCall call) {
        return call.memo("induction-repeated", "Induction scores on repeated tokens", p -> {
            ModelHandle x = call.model();
            int len = Math.max(1, Math.min(50, (x.config().nCtx() - 1) / 2));
            int bos = x.tokenizer().bosId().orElse(0);
            return HeadDetectors.inductionOnRepeatedTokens(x.transformer(), bos, 4, len, 0, p);
        });
    }
}

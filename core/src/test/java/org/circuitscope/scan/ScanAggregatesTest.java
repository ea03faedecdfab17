package org.circuitscope.scan;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.circuitscope.circuits.DirectLogitAttribution;
import org.circuitscope.circuits.HeadDetectors;
import org.circuitscope.circuits.HeadDetectors.Detector;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.io.ModelDirectory;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.RunOptions;
import org.circuitscope.model.Transformer;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scan's aggregates against computations written here, window by window and position by
 * position, with the existing analyses (HeadDetectors, DirectLogitAttribution) and plain
 * float64 loops on {@code Transformer} runs.
 */
class ScanAggregatesTest {
    static final Path SAMPLES = Path.of("..", "samples").toAbsolutePath().normalize();
    static final Path HEBREWS = SAMPLES.resolve("prompts/hebrews-heldout.txt");

    static LoadedModel load(String name) throws IOException { return ModelDirectory.load(SAMPLES.resolve("models").resolve(name)); }

    /** The first {@code n} verses of Hebrews, one document each. */
    static List<CorpusDocument> verses(int n) throws IOException {
        List<String> lines = Files.readAllLines(HEBREWS);
        List<CorpusDocument> docs = new ArrayList<>();
        for (int i = 0; i < n; i++) docs.add(new CorpusDocument(String.format("v%03d", i), lines.get(i)));
        return docs;
    }

    @ParameterizedTest
    @ValueSource(strings = {"attn-only-2l", "gelu-2l"})
    void detectorScoresAreTheMeanOfPerWindowScores(String name) throws IOException {
        try (LoadedModel m = load(name)) {
            ModelConfig c = m.config();
            ScanSpec spec = new ScanSpec(64, 40, 5, true, 16, 4);
            String text = Files.readString(HEBREWS);
            ScanResult r = ScanOutput.result(new DocumentScanner(m, spec).scan(new CorpusDocument("hebrews", text)), spec, c);

            // The windows as the doc comment defines them: 63 document tokens after BOS, every 40 tokens, the last reaching the end.
            int[] ids = m.tokenizer().orElseThrow().encode(text).ids();
            int bos = m.tokenizer().orElseThrow().bosId().orElseThrow();
            double[][][] sum = new double[3][c.nLayers()][c.nHeads()];
            int windows = 0;
            for (int s = 0; ; s += 40) {
                int e = Math.min(s + 63, ids.length);
                int[] w = new int[e - s + 1];
                w[0] = bos;
                System.arraycopy(ids, s, w, 1, e - s);
                ActivationCache cache = m.transformer().run(w, RunOptions.matching("blocks\\.\\d+\\.attn\\.hook_pattern"));
                Detector[] ds = {Detector.PREVIOUS_TOKEN, Detector.DUPLICATE_TOKEN, Detector.INDUCTION};
                for (int k = 0; k < 3; k++) {
                    double[][] sc = HeadDetectors.score(c, cache, ds[k]);
                    for (int l = 0; l < c.nLayers(); l++) for (int h = 0; h < c.nHeads(); h++) sum[k][l][h] += sc[l][h];
                }
                windows++;
                if (e >= ids.length) break;
            }
            assertTrue(windows > 10, "the text spans many windows: " + windows);
            assertEquals(windows, r.summary().windows());
            assertEquals(ids.length, r.summary().predictedTokens(), "every document token predicted once (BOS predicts the first)");
            for (int l = 0; l < c.nLayers(); l++) {
                for (int h = 0; h < c.nHeads(); h++) {
                    ScanResult.HeadStats st = r.head(l, h);
                    assertEquals(sum[0][l][h] / windows, st.previousToken(), 1e-6, "previous-token " + st.label());
                    assertEquals(sum[1][l][h] / windows, st.duplicateToken(), 1e-6, "duplicate-token " + st.label());
                    assertEquals(sum[2][l][h] / windows, st.induction(), 1e-6, "induction " + st.label());
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"attn-only-2l", "gelu-2l"})
    void lossDirectAttributionAndTopExamplesMatchAPlainForwardPass(String name) throws IOException {
        try (LoadedModel m = load(name)) {
            ModelConfig c = m.config();
            Transformer model = m.transformer();
            ScanSpec spec = new ScanSpec(128, 127, 3, true, 16, 4);
            List<CorpusDocument> docs = verses(12);
            DocumentScanner scanner = new DocumentScanner(m, spec);
            ScanPartial total = ScanPartial.empty(c, spec);
            for (CorpusDocument d : docs) total.merge(scanner.scan(d));
            ScanResult r = ScanOutput.result(total, spec, c);

            int nh = c.nHeads(), heads = c.nLayers() * nh;
            double[] dla = new double[heads], entropy = new double[heads], best = new double[heads];
            Arrays.fill(best, Double.NEGATIVE_INFINITY);
            int dMlp = c.attnOnly() ? 0 : c.dMlp();
            double[] bestNeuron = new double[c.nLayers() * dMlp];
            Arrays.fill(bestNeuron, Double.NEGATIVE_INFINITY);
            // Every activation of every 37th neuron: {value, document index, position}.
            java.util.Map<Integer, List<double[]>> neuronValues = new java.util.HashMap<>();
            long predicted = 0;
            double lossAll = 0;
            int bos = m.tokenizer().orElseThrow().bosId().orElseThrow();
            for (int i = 0; i < docs.size(); i++) {
                int[] ids = m.tokenizer().orElseThrow().encode(docs.get(i).text()).ids();
                int[] t = new int[ids.length + 1];
                t[0] = bos;
                System.arraycopy(ids, 0, t, 1, ids.length);
                assertTrue(t.length <= 128, "each verse fits one window");
                ActivationCache cache = model.runWithCache(t);
                float[] logits = model.forward(t).data();
                double loss = 0;
                for (int p = 0; p + 1 < t.length; p++) {
                    double max = Double.NEGATIVE_INFINITY, z = 0;
                    for (int k = 0; k < c.dVocab(); k++) max = Math.max(max, logits[p * c.dVocab() + k]);
                    for (int k = 0; k < c.dVocab(); k++) z += Math.exp(logits[p * c.dVocab() + k] - max);
                    loss += max + Math.log(z) - logits[p * c.dVocab() + t[p + 1]];
                    DirectLogitAttribution.Result a = DirectLogitAttribution.compute(model, cache, p, t[p + 1], -1);
                    assertEquals(a.value(), a.sum(), 2e-3 * (1 + Math.abs(a.value())), "the components sum to the logit");
                    int u = 0;
                    for (DirectLogitAttribution.Component x : a.components()) {
                        if (!x.kind().equals("head")) continue;
                        dla[u] += x.value();
                        if (p > 0) best[u] = Math.max(best[u], x.value()); // BOS is no example
                        u++;
                    }
                    for (int l = 0; l < c.nLayers(); l++) {
                        Tensor pat = cache.get(HookPoint.attn(l, "pattern"));
                        for (int h = 0; h < nh; h++) {
                            for (int k = 0; k <= p; k++) {
                                double v = pat.get(h, p, k);
                                if (v > 0) entropy[l * nh + h] -= v * Math.log(v);
                            }
                        }
                        for (int k = 0; k < dMlp && p > 0; k++) {
                            float v = cache.get(HookPoint.mlp(l, "post")).get(p, k);
                            bestNeuron[l * dMlp + k] = Math.max(bestNeuron[l * dMlp + k], v);
                            if ((l * dMlp + k) % 37 == 0) neuronValues.computeIfAbsent(l * dMlp + k, x -> new ArrayList<>()).add(new double[] {v, i, p});
                        }
                    }
                    predicted++;
                }
                lossAll += loss;
                DocumentRow row = r.documents().get(i);
                assertEquals(docs.get(i).id(), row.id());
                assertEquals(t.length, row.tokens());
                assertEquals(t.length - 1, row.predicted());
                assertEquals(loss / (t.length - 1), row.meanLoss(), 1e-5, "mean loss of " + row.id());
                assertEquals(row.meanLoss() / Math.log(2), row.surprisalBits().mean(), 1e-9, "mean surprisal is the loss in bits");
                assertTrue(row.surprisalBits().p50() <= row.surprisalBits().p90() && row.surprisalBits().p90() <= row.surprisalBits().max());
            }
            assertEquals(predicted, r.summary().predictedTokens());
            assertEquals(lossAll / predicted, r.summary().meanLoss(), 1e-5);
            for (int u = 0; u < heads; u++) {
                ScanResult.HeadStats st = r.summary().heads().get(u);
                assertEquals(dla[u] / predicted, st.directLogitAttribution(), 1e-4, "mean DLA " + st.label());
                assertEquals(entropy[u] / predicted, st.attentionEntropy(), 1e-5, "mean entropy " + st.label());
                TopExample top = r.headExamples().get(u).examples().getFirst();
                assertEquals(best[u], top.score(), 1e-4, "top example of " + st.label() + " is its largest direct attribution");
                // The example's score is the head's attribution at that document and position.
                int doc = Integer.parseInt(top.document().substring(1));
                int[] ids = m.tokenizer().orElseThrow().encode(docs.get(doc).text()).ids();
                int[] t = new int[ids.length + 1];
                t[0] = bos;
                System.arraycopy(ids, 0, t, 1, ids.length);
                var a = DirectLogitAttribution.compute(model, model.runWithCache(t), top.position(), t[top.position() + 1], -1);
                double v = a.components().stream().filter(x -> x.label().equals(st.label())).findFirst().orElseThrow().value();
                assertEquals(v, top.score(), 1e-4);
                assertEquals(t[top.position()], top.token());
                assertEquals(t[top.position() + 1], top.target());
                assertEquals(m.tokenizer().orElseThrow().label(t[top.position()]), top.tokens().get(top.focus()));
                assertEquals(Math.min(16, top.position()), top.focus(), "up to 16 tokens of left context");
                assertTrue(top.position() > 0, "the prepended BOS is never an example");
            }
            if (c.attnOnly()) {
                assertEquals(0, r.summary().neurons());
                assertNotNull(r.summary().neuronsNote());
                assertTrue(r.neuronExamples().isEmpty());
            } else {
                assertEquals(c.nLayers() * c.dMlp(), r.neuronExamples().size());
                for (int u = 0; u < bestNeuron.length; u += 37) {
                    List<TopExample> ex = r.neuronExamples().get(u).examples();
                    assertEquals(3, ex.size());
                    assertEquals(bestNeuron[u], ex.getFirst().score(), 1e-5, "top activation of neuron " + r.neuronExamples().get(u).label());
                    assertTrue(ex.get(0).score() >= ex.get(1).score() && ex.get(1).score() >= ex.get(2).score(), "best first");
                    // The whole list, exactly: the plain pass computes each activation in the same
                    // order as the scan's window (the kernels' sums do not depend on the call), so
                    // the ranking by value, then document, then position is the same to the bit.
                    List<String> want = neuronValues.get(u).stream()
                            .sorted(java.util.Comparator.<double[]>comparingDouble(x -> -x[0]).thenComparingDouble(x -> x[1]).thenComparingDouble(x -> x[2]))
                            .limit(3).map(x -> docs.get((int) x[1]).id() + "@" + (int) x[2] + "=" + x[0]).toList();
                    assertEquals(want, ex.stream().map(x -> x.document() + "@" + x.position() + "=" + x.score()).toList(),
                            "top activations of neuron " + r.neuronExamples().get(u).label());
                }
            }
        }
    }
}

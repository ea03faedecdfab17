package org.circuitscope.scan;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.RunOptions;
import org.circuitscope.sae.Sae;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SAE features in the scan ({@code scan --sae}) against a naive computation written here: every
 * window as {@link DocumentScanner}'s doc comment defines it, run with a plain forward pass, and
 * every predicted token's destination activation encoded on its own with {@link Sae#encode}.
 */
class ScanFeaturesTest {
    static final Path SAE = ScanAggregatesTest.SAMPLES.resolve("saes/attn-only-2l-resid0");
    /** Overlapping windows (47 document tokens every 24), so which window encodes a token matters. */
    static final ScanSpec SPEC = new ScanSpec(48, 24, 5, true, 16, 4).withSaes(List.of(SAE.toString()));
    static LoadedModel model;
    static Sae sae;
    static List<CorpusDocument> docs;

    @BeforeAll
    static void load() throws IOException {
        model = ScanAggregatesTest.load("attn-only-2l");
        sae = Sae.load(SAE);
        List<String> lines = Files.readAllLines(ScanAggregatesTest.HEBREWS);
        docs = new ArrayList<>(ScanAggregatesTest.verses(6));
        docs.add(new CorpusDocument("long", String.join("\n", lines.subList(10, 18)))); // several windows
    }

    @AfterAll
    static void close() { model.close(); }

    /** What the naive pass finds of one feature. */
    static final class Naive {
        long count;
        double sum, sumSq, max;
        long[] hist;
        final List<double[]> contexts = new ArrayList<>(); // {activation, document index, position}
    }

    @Test
    void countsSumsHistogramsAndTopContextsEqualANaiveEncodingOfEveryPredictedToken() {
        ModelConfig c = model.config();
        DocumentScanner scanner = new DocumentScanner(model, SPEC);
        ScanPartial total = ScanPartial.empty(c, SPEC);
        for (CorpusDocument d : docs) total.merge(scanner.scan(d));
        ScanResult r = ScanOutput.result(total, SPEC, c);

        int m = sae.config().dSae(), d = sae.config().dIn(), w = SPEC.tokensPerWindow();
        double[] edges = SPEC.featureBins().lowerEdges();
        Naive[] naive = new Naive[m];
        for (int i = 0; i < m; i++) { naive[i] = new Naive(); naive[i].hist = new long[edges.length]; }
        int bos = model.tokenizer().orElseThrow().bosId().orElseThrow();
        long tokens = 0;
        for (int doc = 0; doc < docs.size(); doc++) {
            int[] ids = model.tokenizer().orElseThrow().encode(docs.get(doc).text()).ids();
            int n = ids.length, lastPredicted = 0;
            for (int s = 0; ; s += SPEC.stride()) {
                int e = Math.min(s + w, n);
                int[] input = new int[e - s + 1];
                input[0] = bos;
                System.arraycopy(ids, s, input, 1, e - s);
                // Input j is stream position s + j (stream: BOS, ids...); target t is predicted at input t − 1 − s.
                int first = Math.max(lastPredicted, s) + 1, last = e;
                ActivationCache cache = model.transformer().run(input, RunOptions.names(List.of(sae.config().hookName())));
                float[] acts = cache.get(sae.config().hookName()).data();
                for (int t = first; t <= last; t++) {
                    int j = t - 1 - s;
                    if (j == 0) continue; // the window's BOS
                    float[] row = new float[d];
                    System.arraycopy(acts, j * d, row, 0, d);
                    float[] f = sae.encode(Tensor.of(row, 1, d)).data();
                    tokens++;
                    for (int i = 0; i < m; i++) {
                        double a = f[i];
                        if (!(a > 0)) continue;
                        Naive x = naive[i];
                        x.count++;
                        x.sum += a;
                        x.sumSq += a * a;
                        x.max = Math.max(x.max, a);
                        int b = edges.length - 1;
                        while (edges[b] > a) b--;
                        x.hist[b]++;
                        x.contexts.add(new double[] {a, doc, t - 1});
                    }
                }
                if (first <= last) lastPredicted = last;
                if (e >= n) break;
            }
        }
        assertEquals(1, r.summary().saes().size());
        ScanResult.SaeStats st = r.summary().saes().getFirst();
        assertEquals(tokens, st.tokens(), "tokens encoded");
        assertEquals(m, r.features().size());
        int alive = 0, checkedContexts = 0;
        for (int i = 0; i < m; i++) {
            Naive x = naive[i];
            ScanResult.FeatureExamples f = r.features().get(i);
            String id = "attn-only-2l-resid0:" + i;
            assertEquals(id, f.feature());
            assertEquals(x.count, f.count(), id + " count");
            if (x.count == 0) continue;
            alive++;
            assertEquals(x.sum / x.count, f.mean(), 1e-5 * (1 + Math.abs(f.mean())), id + " mean");
            double std = Math.sqrt(Math.max(0, x.sumSq / x.count - (x.sum / x.count) * (x.sum / x.count)));
            assertEquals(std, f.std(), 1e-4 * (1 + std), id + " std");
            assertEquals(x.max, f.max(), 1e-5 * (1 + x.max), id + " max");
            for (int b = 0; b < edges.length; b++) assertEquals(x.hist[b], (long) f.histogram().get(b), id + " histogram bin " + b);
            x.contexts.sort(Comparator.comparingDouble((double[] a) -> -a[0]).thenComparing(a -> docs.get((int) a[1]).id()).thenComparingDouble(a -> a[2]));
            List<TopExample> ex = f.examples();
            assertEquals(Math.min(SPEC.topK(), x.contexts.size()), ex.size(), id + " examples");
            for (int k = 0; k < ex.size(); k++) {
                double[] want = x.contexts.get(k);
                assertEquals(want[0], ex.get(k).score(), 1e-5, id + " example " + k + " activation");
                assertEquals(docs.get((int) want[1]).id(), ex.get(k).document(), id + " example " + k + " document");
                assertEquals((int) want[2], ex.get(k).position(), id + " example " + k + " position");
                checkedContexts++;
            }
        }
        assertEquals(alive, st.alive());
        assertTrue(alive > 100 && checkedContexts > 500, "a test of substance: " + alive + " features fired, " + checkedContexts + " contexts compared");
    }

    @Test
    void mergeOrderDoesNotChangeTheFeatures() {
        ModelConfig c = model.config();
        DocumentScanner s = new DocumentScanner(model, SPEC);
        List<ScanPartial> parts = new ArrayList<>();
        for (CorpusDocument d : docs) parts.add(s.scan(d));
        ScanResult inOrder = ScanOutput.result(mergeAll(c, parts.stream().map(p -> ScanPartial.fromJson(p.toJson())).toList()), SPEC, c);
        for (long seed = 1; seed <= 3; seed++) {
            List<ScanPartial> shuffled = new ArrayList<>(parts);
            Collections.shuffle(shuffled, new Random(seed));
            List<ScanPartial> copies = shuffled.stream().map(p -> ScanPartial.fromJson(p.toJson())).toList();
            ScanPartial left = mergeAll(c, copies.subList(0, copies.size() / 2));
            ScanPartial right = mergeAll(c, copies.subList(copies.size() / 2, copies.size()));
            ScanResult other = ScanOutput.result(right.merge(left), SPEC, c);
            assertEquals(inOrder.summary().saes(), other.summary().saes());
            for (int i = 0; i < inOrder.features().size(); i++) {
                ScanResult.FeatureExamples a = inOrder.features().get(i), b = other.features().get(i);
                assertEquals(a.count(), b.count(), a.feature());
                assertEquals(a.histogram(), b.histogram(), a.feature());
                assertEquals(a.examples(), b.examples(), a.feature() + " top contexts");
                assertEquals(a.max(), b.max(), a.feature());
                if (a.count() > 0) assertEquals(a.mean(), b.mean(), 1e-12 * (1 + Math.abs(a.mean())), a.feature());
            }
        }
    }

    static ScanPartial mergeAll(ModelConfig c, List<ScanPartial> parts) {
        ScanPartial p = ScanPartial.empty(c, SPEC);
        for (ScanPartial x : parts) p.merge(x);
        return p;
    }

    @TempDir Path tmp;

    @Test
    void featuresRoundTripThroughTheOutputFolder() throws IOException {
        ModelConfig c = model.config();
        ScanPartial total = ScanPartial.empty(c, SPEC);
        DocumentScanner s = new DocumentScanner(model, SPEC);
        for (CorpusDocument d : docs.subList(0, 3)) total.merge(s.scan(d));
        ScanOutput.write(total, SPEC, c, tmp);
        assertTrue(Files.exists(tmp.resolve(ScanOutput.FEATURES)));
        ScanResult back = ScanOutput.read(tmp);
        assertEquals(ScanOutput.result(total, SPEC, c).features().stream().map(ScanResult.FeatureExamples::examples).toList(),
                back.features().stream().map(ScanResult.FeatureExamples::examples).toList());
        assertEquals(SPEC, back.summary().spec());
    }

    @Test
    void aSpecWithoutSaesCollectsNoFeaturesAndOldSpecJsonReadsAsNone() throws IOException {
        ScanSpec old = ScanSpec.fromJson("{\"contextLength\":48,\"stride\":24,\"topK\":5,\"prependBos\":true,\"contextLeft\":16,\"contextRight\":4}");
        assertEquals(List.of(), old.saes());
        assertEquals(ScanSpec.FeatureBins.DEFAULT, old.featureBins());
        assertEquals(new ScanSpec(48, 24, 5, true, 16, 4), old);
        ModelConfig c = model.config();
        ScanPartial p = new DocumentScanner(model, old).scan(docs.getFirst());
        assertTrue(p.features().isEmpty());
        ScanOutput.write(p, old, c, tmp);
        assertFalse(Files.exists(tmp.resolve(ScanOutput.FEATURES)));
        assertTrue(ScanOutput.read(tmp).features().isEmpty());
        assertNull(ScanOutput.read(tmp).summary().saes());
    }

    @Test
    void anSaeOfAnotherModelIsOneClearError() {
        ScanSpec wrong = SPEC.withSaes(List.of(ScanAggregatesTest.SAMPLES.resolve("saes/gelu-2l-mlp1").toString()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DocumentScanner(model, wrong));
        assertTrue(e.getMessage().contains("gelu-2l-mlp1") || e.getMessage().contains("mlp"), e.getMessage());
    }
}

package org.circuitscope.circuits;

import static org.circuitscope.circuits.NaiveCircuits.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.circuitscope.model.ActFn;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.model.Weights;
import org.junit.jupiter.api.Test;

class SkipTrigramsTest {
    static final ModelConfig C = new ModelConfig("c", 2, 12, 2, 4, 0, 11, 6, ActFn.GELU_NEW, Normalization.LN, true, 1e-5, true);
    static final Weights W = RandomWeights.generate(C, 9, 0.5);

    @Test
    void trigramsAreTheTopOvEntriesWithTheDestinationThatMostAttendsToTheSource() {
        double[][] we = embed(W);
        for (int l = 0; l < 2; l++)
            for (int h = 0; h < 2; h++) {
                double[][] ovFull = times(times(we, ov(W, l, h)), unembed(W));
                double[][] qkFull = times(times(we, qk(W, l, h)), transpose(we));
                List<double[]> entries = new ArrayList<>();
                for (int s = 0; s < 11; s++) for (int o = 0; o < 11; o++) entries.add(new double[] {s, o, ovFull[s][o]});
                entries.sort(Comparator.comparingDouble((double[] e) -> e[2]).reversed());
                List<SkipTrigrams.SkipTrigram> got = SkipTrigrams.top(TokenCircuits.of(W), l, h, 6);
                assertEquals(6, got.size());
                for (int i = 0; i < 6; i++) {
                    SkipTrigrams.SkipTrigram t = got.get(i);
                    String where = "L" + l + "H" + h + " trigram " + i;
                    assertEquals((int) entries.get(i)[0], t.source(), where + " source");
                    assertEquals((int) entries.get(i)[1], t.out(), where + " out");
                    assertEquals(ovFull[t.source()][t.out()], t.score(), 1e-9, where + " score is the OV entry");
                    double best = Double.NEGATIVE_INFINITY;
                    for (int d = 0; d < 11; d++) best = Math.max(best, qkFull[d][t.source()]);
                    assertEquals(best, qkFull[t.destination()][t.source()], 1e-9, where + " destination maximises QK[d, source]");
                    assertEquals(best, t.qkScore(), 1e-9, where + " qk score");
                }
            }
    }

    @Test
    void everyHeadsTrigramsAtOnceAreEachHeadsOwnInLayerMajorOrder() {
        TokenCircuits tc = TokenCircuits.of(W);
        List<Integer> reports = java.util.Collections.synchronizedList(new ArrayList<>());
        List<List<SkipTrigrams.SkipTrigram>> all = SkipTrigrams.topOfEveryHead(tc, C, 5, (done, total) -> {
            assertEquals(4, total);
            reports.add(done);
        });
        assertEquals(4, all.size());
        for (int l = 0; l < 2; l++)
            for (int h = 0; h < 2; h++) assertEquals(SkipTrigrams.top(tc, l, h, 5), all.get(l * 2 + h), "L" + l + "H" + h);
        assertEquals(List.of(1, 2, 3, 4), reports, "one report per head, in order, up to the total");
    }

    @Test
    void onATokenSubsetTheIdsAreTheSubsetsIds() {
        int[] ids = {10, 3, 4, 8};
        for (SkipTrigrams.SkipTrigram t : SkipTrigrams.top(TokenCircuits.of(W, ids), 1, 0, 16)) {
            for (int id : new int[] {t.source(), t.destination(), t.out()}) {
                assertTrue(id == 10 || id == 3 || id == 4 || id == 8, "id " + id + " is not in the subset");
            }
        }
        assertEquals(16, SkipTrigrams.top(TokenCircuits.of(W, ids), 1, 0, 99).size(), "at most |T|² trigrams");
    }

    /**
     * Past the float32 threshold (|T|²·d_head ≥ 2^20) every head's search scans its layer's shared
     * float32 factors: against the float64 materialised OV and QK circuits, with grouped-query
     * attention (a query head reads its key/value head's W_V).
     */
    @Test
    void everyHeadOnTheFloat32PathFindsTheTopEntriesOfTheMaterialisedCircuits() {
        ModelConfig c = new ModelConfig("gqa", 2, 48, 4, 16, 0, 300, 6, ActFn.SILU, Normalization.RMS, true, 1e-5, true,
                new org.circuitscope.model.Architecture(org.circuitscope.model.PositionalEmbedding.ROTARY, 16, 10000, 2, false, false, "LlamaForCausalLM"));
        assertTrue(300L * 300 * 16 >= FactoredMatrix.SIMD_PRODUCT, "the float32 path runs");
        Weights w = RandomWeights.generate(c, 10, 0.5);
        TokenCircuits tc = TokenCircuits.of(w);
        List<List<SkipTrigrams.SkipTrigram>> all = SkipTrigrams.topOfEveryHead(tc, c, 4, WorkProgress.NONE);
        double[][] we = embed(w);
        for (int l = 0; l < 2; l++)
            for (int h = 0; h < 4; h++) {
                double[][] ovFull = times(times(we, ov(w, l, h)), unembed(w));
                List<double[]> entries = new ArrayList<>();
                for (int s = 0; s < 300; s++) for (int o = 0; o < 300; o++) entries.add(new double[] {s, o, ovFull[s][o]});
                entries.sort(Comparator.comparingDouble((double[] e) -> e[2]).reversed());
                List<SkipTrigrams.SkipTrigram> got = all.get(l * 4 + h);
                assertEquals(4, got.size());
                for (int i = 0; i < 4; i++) {
                    String where = "L" + l + "H" + h + " trigram " + i;
                    assertEquals((int) entries.get(i)[0], got.get(i).source(), where + " source");
                    assertEquals((int) entries.get(i)[1], got.get(i).out(), where + " out");
                    assertEquals(entries.get(i)[2], got.get(i).score(), 1e-5 * Math.abs(entries.get(i)[2]), where + " score");
                }
            }
    }
}

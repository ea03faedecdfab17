package org.circuitscope.intellij.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeadsTest {
    /** The shape of the server's detectHeads answer (its other fields left out). */
    private static final String ANSWER = "{\"model\": \"attn-only-2l\", \"heads\": ["
            + "{\"layer\": 1, \"head\": 1, \"label\": \"L1H1\", \"previous_token\": 0.01, \"duplicate_token\": 0.02, \"induction\": 0.93,"
            + " \"induction_repeated_random\": 0.88, \"ov_copying_score\": 0.71},"
            + "{\"layer\": 0, \"head\": 3, \"label\": \"L0H3\", \"previous_token\": 0.97, \"duplicate_token\": 0.0, \"induction\": 0.0,"
            + " \"induction_repeated_random\": 0.01, \"ov_copying_score\": -0.2},"
            + "{\"layer\": 1, \"head\": 0, \"label\": \"L1H0\", \"previous_token\": 0.1, \"duplicate_token\": 0.3, \"induction\": 0.2,"
            + " \"induction_repeated_random\": 0.1, \"ov_copying_score\": 0.05}]}";

    @Test
    void layersAndHeadsInOrderDescribedByTheirStrongestDetector() {
        Map<Integer, List<HeadRow>> byLayer = Heads.byLayer(JsonParser.parseString(ANSWER));
        assertEquals(List.of(0, 1), List.copyOf(byLayer.keySet()));
        assertEquals(List.of("L1H0", "L1H1"), byLayer.get(1).stream().map(HeadRow::label).toList());
        assertEquals("induction 0.93 · copying 0.71", byLayer.get(1).get(1).description());
        assertEquals("previous token 0.97 · copying -0.20", byLayer.get(0).get(0).description());
        assertEquals(List.of("L0H3", "L1H0", "L1H1"), Heads.all(byLayer).stream().map(HeadRow::label).toList());
    }

    @Test
    void aMalformedAnswerSaysWhatIsMissing() {
        assertEquals("the server's detectHeads answer has no 'heads' array",
                assertThrows(IllegalArgumentException.class, () -> Heads.byLayer(JsonParser.parseString("{\"model\": \"x\"}"))).getMessage());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Heads.byLayer(JsonParser.parseString("{\"heads\": [{\"layer\": 0}]}")));
        assertTrue(e.getMessage().contains("no number 'head'"), e.getMessage());
    }
}

package org.circuitscope.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** When a superseded pass's rows are worth finishing: the newer text keeps at least half of the older one. */
class KeepsHalfTest {
    @Test
    void aPassIsWorthFinishingWhenTheNewerTextKeepsHalfOfItsText() {
        assertTrue(PromptWorkspace.keepsHalf("abcdef", "abcdef and more"), "typing at the end");
        assertTrue(PromptWorkspace.keepsHalf("abcdef", "abcXYZ"), "the first half kept");
        assertTrue(PromptWorkspace.keepsHalf("", "anything"), "nothing to lose");
        assertFalse(PromptWorkspace.keepsHalf("abcdef", "abXdef"), "less than half kept");
        assertFalse(PromptWorkspace.keepsHalf("abcdef", "Xbcdef"), "an edit at the start");
        assertFalse(PromptWorkspace.keepsHalf("abcdef", "ab"), "most of it deleted");
    }
}

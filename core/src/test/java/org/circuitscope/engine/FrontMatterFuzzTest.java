package org.circuitscope.engine;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Any prompt text: {@link FrontMatter#parse} never throws; what is wrong comes back as problems
 * whose ranges lie in the block and whose messages stay short. Corpus: {@code FrontMatterFuzzTestInputs/anyText} (UTF-8 files).
 */
class FrontMatterFuzzTest {
    @FuzzTest(maxDuration = "5s")
    void anyText(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        FrontMatter fm = FrontMatter.parse(text);
        assertTrue(fm.bodyStart() >= 0 && fm.bodyStart() <= text.length(), "body start " + fm.bodyStart());
        for (FrontMatter.Problem p : fm.problems()) {
            assertNotNull(p.message());
            // Messages quote a few dozen characters of the input, never a whole value.
            assertTrue(p.message().length() <= 300, "a problem message of " + p.message().length() + " characters");
            assertTrue(0 <= p.start() && p.start() <= p.end() && p.end() <= fm.bodyStart(), "problem range " + p);
        }
    }
}

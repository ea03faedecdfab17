package org.circuitscope.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.circuitscope.circuits.WorkProgress;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    @Test
    void theLineShowsTheShareDoneThePhaseAndTheTime() {
        assertEquals("[###############...............]  50% composition scores  3.2 s", ProgressBar.line("composition scores", 0.5, 3.21));
        assertEquals("[..............................]   0% start  0.0 s", ProgressBar.line("start", -1, 0));
        assertEquals("[##############################] 100% end  1.0 s", ProgressBar.line("end", 7, 1));
    }

    @Test
    void offATerminalNothingIsPrinted() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), false)) {
            Thread.sleep(1_100);
            bar.phase("work", 0, 1).advance(1, 2);
        }
        assertEquals("", bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void onATerminalTheBarWaitsASecondThenDrawsAPhaseAndIsErasedAtTheEnd() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), true)) {
            WorkProgress p = bar.phase("copying scores", 0.2, 0.4);
            p.advance(1, 2);
            assertEquals("", bytes.toString(StandardCharsets.UTF_8), "nothing in the first second");
            Thread.sleep(1_100);
            p.advance(2, 2);
            assertTrue(bytes.toString(StandardCharsets.UTF_8).contains(" 40% copying scores"), bytes.toString(StandardCharsets.UTF_8));
        }
        assertTrue(bytes.toString(StandardCharsets.UTF_8).endsWith("\r\u001b[K"), "the line is erased when closed");
    }
}

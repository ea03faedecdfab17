package org.circuitscope.lsp.transport;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * The framing under any bytes. {@code anyBytes}: every frame is read or skipped without an
 * exception, and the end of the stream ends the reading. {@code aFrameAfterGarbage}: whatever
 * came before, a line end and a well-formed frame are read as that frame, from a client that
 * then waits for the answer (the stream stays open, as an editor's does).
 * Corpus: {@code FrameFuzzTestInputs/<method>}.
 */
class FrameFuzzTest {
    /** Short, so that a Content-Length that lies costs the fuzzer little time. */
    private static final long QUIET_MS = 20;
    private static final Duration HANG = Duration.ofSeconds(10);
    private static final byte[] BODY = "{\"jsonrpc\":\"2.0\",\"id\":\"after-garbage\",\"method\":\"shutdown\"}"
            .getBytes(StandardCharsets.US_ASCII);

    @FuzzTest(maxDuration = "5s")
    void anyBytes(byte[] bytes) {
        assertTimeoutPreemptively(HANG, () -> {
            try (TimedInput in = new TimedInput(new ByteArrayInputStream(bytes))) {
                FrameReader reader = new FrameReader(in, QUIET_MS);
                int frames = 0;
                while (reader.next() != null) {
                    // Each frame consumes bytes; put-back bytes are read at most once more.
                    assertTrue(++frames <= 2 * bytes.length + 2, "more frames than bytes: " + frames);
                }
            }
        }, "the reader did not reach the end of the stream");
    }

    @FuzzTest(maxDuration = "5s")
    void aFrameAfterGarbage(byte[] garbage) {
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        sent.writeBytes(garbage);
        sent.writeBytes(("\r\nContent-Length: " + BODY.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        sent.writeBytes(BODY);
        OpenStream client = new OpenStream(sent.toByteArray());
        assertTimeoutPreemptively(HANG, () -> {
            try (TimedInput in = new TimedInput(client)) {
                FrameReader reader = new FrameReader(in, QUIET_MS);
                while (true) {
                    FrameReader.Frame f = reader.next();
                    assertNotNull(f, "the stream ended");
                    // The garbage may hold frames of its own: read on to ours.
                    if (f instanceof FrameReader.Body b && Arrays.equals(BODY, b.bytes())) return;
                }
            } finally {
                client.hangUp();
            }
        }, "the frame after the garbage was never read");
    }

    /** A client that sends its bytes and then waits, its stream open, until it hangs up. */
    private static final class OpenStream extends InputStream {
        private final ByteArrayInputStream bytes;
        private final CountDownLatch hungUp = new CountDownLatch(1);

        OpenStream(byte[] b) { bytes = new ByteArrayInputStream(b); }

        void hangUp() { hungUp.countDown(); }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int n = bytes.read(b, off, len);
            if (n > 0) return n;
            try {
                hungUp.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return -1;
        }
    }
}

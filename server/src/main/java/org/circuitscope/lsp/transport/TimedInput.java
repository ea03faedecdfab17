package org.circuitscope.lsp.transport;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The client's byte stream, read by a pump thread so that the one reader can wait with a
 * timeout (a frame whose Content-Length is longer than what was sent must not leave the server
 * waiting for ever) and put bytes back (after a frame turns out to hold the next one's header).
 * Not thread-safe on the reading side: one reader.
 */
final class TimedInput implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TimedInput.class.getName());
    /** Returned by {@link #read(long)} when no byte came in time. */
    static final int TIMEOUT = -2;
    private static final byte[] END = new byte[0];

    private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(64);
    private final Deque<byte[]> pushedBack = new ArrayDeque<>();
    private final Thread pump;
    private byte[] chunk = new byte[0];
    private int pos;
    private boolean ended;

    TimedInput(InputStream in) {
        pump = new Thread(() -> pump(in), "circuitscope-input");
        pump.setDaemon(true);
        pump.start();
    }

    private void pump(InputStream in) {
        byte[] buf = new byte[64 * 1024];
        try {
            while (true) {
                int n = in.read(buf);
                if (n < 0) break;
                if (n > 0) chunks.put(Arrays.copyOf(buf, n));
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "the client's stream ended", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            chunks.put(END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The next byte (0–255), −1 at the end of the stream, {@link #TIMEOUT} when none came within {@code timeoutMs} (0: wait for ever). */
    int read(long timeoutMs) throws InterruptedException {
        while (pos >= chunk.length) {
            byte[] next = pushedBack.pollFirst();
            if (next == null) {
                if (ended) return -1;
                next = timeoutMs <= 0 ? chunks.take() : chunks.poll(timeoutMs, TimeUnit.MILLISECONDS);
                if (next == null) return TIMEOUT;
            }
            if (next == END) {
                ended = true;
                return -1;
            }
            chunk = next;
            pos = 0;
        }
        return chunk[pos++] & 0xff;
    }

    /**
     * Up to {@code len} bytes into {@code b} from {@code off}, at least one: the count, −1 at the
     * end of the stream, {@link #TIMEOUT} when none came within {@code timeoutMs} (0: wait for ever).
     */
    int read(byte[] b, int off, int len, long timeoutMs) throws InterruptedException {
        int first = read(timeoutMs);
        if (first < 0) return first;
        b[off] = (byte) first;
        int n = Math.min(len - 1, chunk.length - pos);
        System.arraycopy(chunk, pos, b, off + 1, n);
        pos += n;
        return n + 1;
    }

    /** Puts {@code b[off, off + len)} back: the next reads return it first. */
    void unread(byte[] b, int off, int len) {
        if (len <= 0) return;
        if (pos < chunk.length) pushedBack.addFirst(Arrays.copyOfRange(chunk, pos, chunk.length));
        chunk = Arrays.copyOfRange(b, off, off + len);
        pos = 0;
    }

    @Override
    public void close() { pump.interrupt(); }
}

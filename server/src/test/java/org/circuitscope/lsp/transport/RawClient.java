package org.circuitscope.lsp.transport;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.circuitscope.lsp.LoopbackStreams;
import org.circuitscope.lsp.LspLauncher;
import org.circuitscope.lsp.WireFrames;

/**
 * A client that writes raw bytes to a real server over a loopback socket and reads its frames
 * with a reader of its own (not LSP4J's), so tests can send what no LSP library would.
 */
final class RawClient implements AutoCloseable {
    private final LoopbackStreams streams;
    private final OutputStream out;
    private final BlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
    private int ids = 1000;

    RawClient() throws IOException {
        streams = LoopbackStreams.open();
        LspLauncher.start(streams.serverIn(), streams.serverOut(), code -> {});
        out = streams.clientOut();
        InputStream in = streams.clientIn();
        Thread t = new Thread(() -> read(in), "raw-client-reader");
        t.setDaemon(true);
        t.start();
    }

    private void read(InputStream in) {
        try {
            for (String body = WireFrames.next(in); body != null; body = WireFrames.next(in)) {
                received.add(JsonParser.parseString(body).getAsJsonObject());
            }
        } catch (IOException e) {
            // the server closed the connection
        }
    }

    /** Writes these bytes as they are. */
    void raw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void raw(String latin1) throws IOException { raw(latin1.getBytes(StandardCharsets.ISO_8859_1)); }

    /** One well-formed frame around {@code json}. */
    void frame(String json) throws IOException { WireFrames.write(out, json); }

    /** The next message that answers {@code id} (notifications and other answers are passed over); null when none came in time. */
    JsonObject answer(Object id, long timeoutMs) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) return null;
            JsonObject m = received.poll(left, TimeUnit.NANOSECONDS);
            if (m == null) return null;
            if (m.has("id") && !m.has("method") && !m.get("id").isJsonNull() && m.get("id").getAsString().equals(String.valueOf(id))) return m;
            if (id == null && m.has("id") && m.get("id").isJsonNull()) return m;
        }
    }

    /** A request that any live server answers at once (an error: the document is not open); whether it was answered. */
    boolean healthy() throws Exception {
        int id = ++ids;
        frame("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"circuitscope/documentStatus\",\"params\":{\"uri\":\"file:///health.prompt\"}}");
        return answer(id, 10_000) != null;
    }

    @Override
    public void close() throws IOException { streams.close(); }
}

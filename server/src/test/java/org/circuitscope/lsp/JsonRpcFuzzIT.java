package org.circuitscope.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10,000 fuzzed messages to {@code ./circuitscope lsp} as an editor starts it: well-formed
 * requests with random params, random notifications and edits, malformed frames of every size
 * (broken headers, lying lengths, bytes that are not JSON, deep nesting, batches). The server
 * must not crash, hang or go deaf (a hover on an untouched document after every 500 messages is
 * answered with a card), must answer every request it could read, and no answer may carry a
 * stack trace. Seeded: a failure replays with the same seed ({@code CIRCUITSCOPE_FUZZ_SEED}).
 */
class JsonRpcFuzzIT {
    static final int MESSAGES = 10_000, HEALTH_EVERY = 500;
    static final String[] METHODS = {"textDocument/hover", "textDocument/completion", "textDocument/inlayHint", "textDocument/semanticTokens/full",
        "textDocument/codeLens", "textDocument/definition", "textDocument/references", "workspace/executeCommand", "circuitscope/inspectHead",
        "circuitscope/attentionPattern", "circuitscope/pathExpansion", "circuitscope/attribute", "circuitscope/ablate", "circuitscope/detectHeads",
        "circuitscope/logitLens", "circuitscope/predict", "circuitscope/documentStatus", "no/such/method", "$/cancelRequest"};
    static final String[] NOTIFICATIONS = {"textDocument/didChange", "textDocument/didOpen", "textDocument/didClose", "textDocument/didSave",
        "workspace/didChangeConfiguration", "$/cancelRequest", "$/setTrace", "no/such/notification"};

    @TempDir Path tmp;
    final Map<Long, JsonObject> answers = new ConcurrentHashMap<>();
    final List<String> traces = new ArrayList<>();
    final AtomicInteger received = new AtomicInteger();

    @Test
    void tenThousandFuzzedMessagesNeverSilenceTheServer() throws Exception {
        String env = System.getenv("CIRCUITSCOPE_FUZZ_SEED");
        long seed = env != null ? Long.parseLong(env) : 20261205L;
        Random r = new Random(seed);
        Process p = LspLauncherIT.startServer(tmp.resolve("stderr.txt"));
        try {
            OutputStream out = p.getOutputStream();
            Thread reader = new Thread(() -> read(p.getInputStream()), "fuzz-reader");
            reader.setDaemon(true);
            reader.start();
            long id = 1;
            frame(out, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"initialize\",\"params\":{\"processId\":" + ProcessHandle.current().pid()
                    + ",\"capabilities\":{}}}");
            await(id, 120);
            frame(out, "{\"jsonrpc\":\"2.0\",\"method\":\"initialized\",\"params\":{}}");
            String health = "file:///tmp/circuitscope-fuzz/health.prompt", fuzz = "file:///tmp/circuitscope-fuzz/fuzz.prompt";
            frame(out, didOpen(health, "In the beginning God created the heaven and the earth."));
            frame(out, didOpen(fuzz, "And the earth was without form, and void."));
            Set<Long> expected = ConcurrentHashMap.newKeySet();
            Map<Long, String> before = new ConcurrentHashMap<>(); // what was sent just before each request, for a failure's message
            String last = "start", earlier = "";
            int healthChecks = 0;
            for (int i = 1; i <= MESSAGES; i++) {
                int kind = r.nextInt(100);
                if (kind < 40) {
                    long rid = ++id;
                    expected.add(rid);
                    String method = METHODS[r.nextInt(METHODS.length)];
                    if (method.startsWith("$/")) method = "circuitscope/predict";
                    String ps = params(r, fuzz);
                    before.put(rid, earlier + " | " + last);
                    frame(out, "{\"jsonrpc\":\"2.0\",\"id\":" + rid + ",\"method\":\"" + method + "\",\"params\":" + ps + "}");
                    earlier = last;
                    last = "request " + method + " " + ps.substring(0, Math.min(60, ps.length()));
                } else if (kind < 60) {
                    String nm = NOTIFICATIONS[r.nextInt(NOTIFICATIONS.length)];
                    frame(out, "{\"jsonrpc\":\"2.0\",\"method\":\"" + nm + "\",\"params\":" + notificationParams(r, fuzz) + "}");
                    earlier = last;
                    last = "notification " + nm;
                } else if (kind < 70) {
                    // A batch: each request in it is answered (refused) with its id.
                    StringBuilder b = new StringBuilder("[");
                    int n = 1 + r.nextInt(4);
                    for (int k = 0; k < n; k++) {
                        long rid = ++id;
                        expected.add(rid);
                        b.append(k == 0 ? "" : ",").append("{\"jsonrpc\":\"2.0\",\"id\":").append(rid).append(",\"method\":\"shutdown\"}");
                    }
                    frame(out, b.append("]").toString());
                    earlier = last;
                    last = "batch";
                } else {
                    byte[] bad = malformed(r, ++id);
                    out.write(bad);
                    out.flush();
                    String shown = new String(bad, 0, Math.min(60, bad.length), StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n");
                    earlier = last;
                    last = "malformed (" + bad.length + " bytes) " + shown;
                }
                if (i % HEALTH_EVERY == 0) {
                    long hid = ++id;
                    frame(out, "{\"jsonrpc\":\"2.0\",\"id\":" + hid + ",\"method\":\"textDocument/hover\",\"params\":{\"textDocument\":{\"uri\":\""
                            + health + "\"},\"position\":{\"line\":0,\"character\":4}}}");
                    JsonObject a = await(hid, 60);
                    assertTrue(a.has("result") && a.get("result").toString().contains("token id"), "health hover " + (i / HEALTH_EVERY)
                            + " after " + i + " messages (seed " + seed + "): " + a);
                    healthChecks++;
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline && !answers.keySet().containsAll(expected)) Thread.sleep(50);
            Set<Long> missing = new java.util.TreeSet<>(expected);
            missing.removeAll(answers.keySet());
            assertTrue(missing.isEmpty(), missing.size() + " requests of " + expected.size() + " never answered (seed " + seed + "), e.g. " + missing.stream().limit(8).map(m -> m + " after " + before.get(m)).toList());
            assertTrue(p.isAlive(), "the server is alive");
            synchronized (traces) {
                assertEquals(List.of(), traces, "answers with a stack trace");
            }
            System.out.printf("fuzz: %d messages sent (seed %d), %d requests answered, %d health hovers answered, %d messages received%n",
                    MESSAGES, seed, expected.size(), healthChecks, received.get());
        } finally {
            p.destroyForcibly();
        }
    }

    JsonObject await(long id, int seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            JsonObject a = answers.get(id);
            if (a != null) return a;
            Thread.sleep(5);
        }
        fail("no answer to request " + id + " in " + seconds + " s: the server went deaf; stderr tail:\n" + tail(tmp.resolve("stderr.txt")));
        return null;
    }

    static String tail(Path f) throws Exception {
        String s = Files.exists(f) ? Files.readString(f) : "";
        return s.substring(Math.max(0, s.length() - 3000));
    }

    void read(InputStream in) {
        try {
            for (String body = WireFrames.next(in); body != null; body = WireFrames.next(in)) {
                received.incrementAndGet();
                if (body.contains("\\tat ") || body.contains("\\n\\tat")) {
                    synchronized (traces) { traces.add(body.substring(0, Math.min(300, body.length()))); }
                }
                JsonObject m = JsonParser.parseString(body).getAsJsonObject();
                JsonElement mid = m.get("id");
                if (mid != null && !mid.isJsonNull() && !m.has("method") && mid.getAsJsonPrimitive().isNumber()) answers.put(mid.getAsLong(), m);
            }
        } catch (Exception e) {
            // the process ended
        }
    }

    static void frame(OutputStream out, String json) throws Exception { WireFrames.write(out, json); }

    static String didOpen(String uri, String text) {
        return "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":{\"uri\":\"" + uri
                + "\",\"languageId\":\"prompt\",\"version\":1,\"text\":\"" + text + "\"}}}";
    }

    static String pos(Random r) { return "{\"line\":" + (r.nextInt(6) - 1) + ",\"character\":" + (r.nextInt(60) - 5) + "}"; }

    /** Params that are right, nearly right, or anything at all. */
    static String params(Random r, String uri) {
        String doc = "{\"uri\":\"" + uri + "\"}";
        return switch (r.nextInt(12)) {
            case 0 -> "{\"textDocument\":" + doc + ",\"position\":" + pos(r) + "}";
            case 1 -> "{\"uri\":\"" + uri + "\",\"layer\":" + (r.nextInt(4) - 1) + ",\"head\":" + (r.nextInt(6) - 1) + "}";
            case 2 -> "{\"uri\":\"" + uri + "\",\"position\":" + pos(r) + ",\"method\":\"" + new String[] {"direct", "saliency", "magic"}[r.nextInt(3)]
                    + "\",\"steps\":" + (r.nextInt(3000) - 5) + "}";
            case 3 -> "{\"uri\":\"" + uri + "\",\"heads\":[\"L" + r.nextInt(3) + "H" + r.nextInt(5) + "\"],\"mean\":" + r.nextBoolean() + "}";
            case 4 -> "{\"command\":\"circuitscope." + new String[] {"predict", "detectHeads", "nope", "logitLens"}[r.nextInt(4)] + "\",\"arguments\":[{\"uri\":\""
                    + uri + "\",\"target\":\"" + "x".repeat(r.nextInt(3) == 0 ? 5000 : 1) + "\"}]}";
            case 5 -> "null";
            case 6 -> "[1,\"a\",{}]";
            case 7 -> "{\"textDocument\":{\"uri\":" + r.nextInt() + "},\"position\":{\"line\":\"x\",\"character\":[]}}";
            case 8 -> "\"" + "s".repeat(r.nextInt(20_000)) + "\"";
            case 9 -> "{\"textDocument\":" + doc + ",\"range\":{\"start\":" + pos(r) + "}}";
            case 10 -> "[".repeat(200) + "]".repeat(200);
            default -> "{\"textDocument\":" + doc + ",\"pad\":\"" + "p".repeat(r.nextInt(30_000)) + "\"}";
        };
    }

    static int versions = 1;

    static String notificationParams(Random r, String uri) {
        return switch (r.nextInt(6)) {
            case 0 -> "{\"textDocument\":{\"uri\":\"" + uri + "\",\"version\":" + (++versions) + "},\"contentChanges\":[{\"range\":{\"start\":" + pos(r)
                    + ",\"end\":" + pos(r) + "},\"text\":\"" + "abc def ".substring(0, r.nextInt(8)) + "\"}]}";
            case 1 -> "{\"textDocument\":{\"uri\":\"" + uri + "\",\"version\":" + (++versions) + "},\"contentChanges\":[{}]}";
            case 2 -> "null";
            case 3 -> "{\"id\":" + r.nextInt(100) + "}";
            case 4 -> "{\"textDocument\":{\"uri\":\"file:///tmp/circuitscope-fuzz/other" + r.nextInt(5) + ".prompt\",\"languageId\":\"prompt\",\"version\":1,\"text\":\"x y\"}}";
            default -> "{\"settings\":{\"circuitscope\":{\"topK\":" + r.nextInt(200) + "}}}";
        };
    }

    /** A frame broken in one of many ways (its request, if any, need not be answered). */
    static byte[] malformed(Random r, long id) {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"circuitscope/predict\",\"params\":{\"uri\":\"file:///x\"}}";
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        String s = switch (r.nextInt(10)) {
            case 0 -> "Content-Length: abc\r\n\r\n" + body;
            case 1 -> "Content-Type: application/json\r\n\r\n" + body;
            case 2 -> "Content-Length: " + (body.length() - 1 - r.nextInt(body.length() - 1)) + "\r\n\r\n" + body;
            case 3 -> "Content-Length: " + (body.length() + 1 + r.nextInt(300)) + "\r\n\r\n" + body;
            case 4 -> "Content-Length: 99999999999\r\n\r\n" + body;
            case 5 -> "Content-Length: " + body.length() + "\r\nContent-Type: application/json; charset=" + "z".repeat(r.nextInt(40)) + "\r\n\r\n" + body;
            case 6 -> { String j = "[".repeat(5000) + "]".repeat(5000); yield "Content-Length: " + j.length() + "\r\n\r\n" + j; }
            case 7 -> { String j = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"x\",\"params\":{\"a\":" + "q".repeat(r.nextInt(20_000)) + "}}";
                yield "Content-Length: " + j.length() + "\r\n\r\n" + j; }
            case 8 -> "x".repeat(r.nextInt(3000)) + "\r\n\r\n";
            default -> { byte[] junk = new byte[r.nextInt(2000)]; r.nextBytes(junk); b.writeBytes(junk); yield ""; }
        };
        b.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        return b.toByteArray();
    }
}

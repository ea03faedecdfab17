package org.circuitscope.lsp;

import static org.circuitscope.lsp.LspLauncherIT.initialize;
import static org.circuitscope.lsp.LspLauncherIT.readResponse;
import static org.circuitscope.lsp.LspLauncherIT.send;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 100 MB document opened in {@code ./circuitscope lsp} and closed again: it gets a diagnostic
 * (over 8 MiB, not analysed), the server keeps answering, and its resident memory returns to
 * within 300 MB of what it was before within 30 s.
 */
class LargeDocumentIT {
    @TempDir Path tmp;

    static long rssKb(long pid) throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("[^0-9]", ""));
        }
        throw new AssertionError("no VmRSS for " + pid);
    }

    @Test
    void aHundredMegabyteDocumentIsRefusedAndItsMemoryGivenBack() throws Exception {
        if (!Files.isDirectory(Path.of("/proc/self"))) return; // resident size as Linux reports it
        Process p = LspLauncherIT.startServer(tmp.resolve("stderr.txt"));
        try {
            OutputStream out = p.getOutputStream();
            InputStream in = p.getInputStream();
            initialize(out, in, ProcessHandle.current().pid());
            send(out, "{\"jsonrpc\":\"2.0\",\"method\":\"initialized\",\"params\":{}}");
            // The server warmed up on its default model: the resident size of a server in use.
            String small = "file:///tmp/circuitscope-test/small.prompt";
            send(out, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":{\"uri\":\"" + small
                    + "\",\"languageId\":\"prompt\",\"version\":1,\"text\":\"In the beginning\"}}}");
            send(out, hover(2, small));
            readResponse(in, 2);
            Thread.sleep(12_000); // one periodic collection
            long before = rssKb(p.pid());
            String big = "file:///tmp/circuitscope-test/big.prompt";
            String line = "In the beginning God created the heaven and the earth. ";
            StringBuilder text = new StringBuilder(100_000_100);
            while (text.length() < 100_000_000) text.append(line);
            send(out, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":{\"uri\":\"" + big
                    + "\",\"languageId\":\"prompt\",\"version\":1,\"text\":\"" + text + "\"}}}");
            text = null;
            send(out, hover(3, big));
            String h = readResponse(in, 3);
            assertTrue(h.contains("\"result\":null") || !h.contains("\"result\""), "no card for a document that is not analysed: " + h.substring(0, Math.min(200, h.length())));
            long peak = rssKb(p.pid());
            send(out, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didClose\",\"params\":{\"textDocument\":{\"uri\":\"" + big + "\"}}}");
            send(out, hover(4, small));
            assertTrue(readResponse(in, 4).contains("surprisal"), "the server still answers");
            long after = Long.MAX_VALUE, end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < end && (after = rssKb(p.pid())) > before + 300_000) Thread.sleep(500);
            System.out.printf("large document: resident %d MB before, %d MB with it open, %d MB after closing it%n", before >> 10, peak >> 10, after >> 10);
            assertTrue(after <= before + 300_000, "resident size back within 300 MB of " + (before >> 10) + " MB: " + (after >> 10) + " MB");
        } finally {
            p.destroyForcibly();
        }
    }

    static String hover(int id, String uri) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"textDocument/hover\",\"params\":{\"textDocument\":{\"uri\":\"" + uri
                + "\"},\"position\":{\"line\":0,\"character\":3}}}";
    }
}

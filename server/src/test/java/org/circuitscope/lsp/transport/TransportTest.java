package org.circuitscope.lsp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a hostile or broken client sends, over a real socket to the real server: after every
 * broken frame the server still answers (no message can make it deaf), and every request gets
 * an answer with the right code and no stack trace.
 */
class TransportTest {
    RawClient c;

    @BeforeEach
    void start() throws Exception { c = new RawClient(); }

    @AfterEach
    void stop() throws Exception { c.close(); }

    static String filler(int n) { return "x".repeat(n); }

    @Test
    void aLongFrameWhoseJsonFailsHalfwayLeavesTheServerListening() throws Exception {
        c.frame("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"textDocument/hover\",\"params\":{\"textDocument\":{\"uri\":\"file:///a\"},"
                + "\"position\":{\"line\":\"x\",\"character\":0},\"pad\":\"" + filler(20_000) + "\"}}");
        JsonObject a = c.answer(1, 10_000);
        assertNotNull(a, "the malformed request is answered");
        assertEquals(-32602, a.getAsJsonObject("error").get("code").getAsInt(), a.toString());
        assertTrue(c.healthy());
        c.frame("{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"textDocument/hover\",\"pad\":\"" + filler(20_000) + "\"}");
        assertTrue(c.healthy());
        c.frame("[" + "[".repeat(5000) + "]".repeat(5000) + "]");
        assertTrue(c.healthy());
        c.frame("\"" + filler(20_000) + "\"");
        assertTrue(c.healthy());
        c.frame("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"x\",\"params\":{\"a\":" + filler(9_000) + "}}");
        JsonObject parse = c.answer(null, 10_000);
        assertNotNull(parse, "JSON that does not parse is answered −32700");
        assertEquals(-32700, parse.getAsJsonObject("error").get("code").getAsInt());
        assertTrue(c.healthy());
    }

    @Test
    void wrongContentLengthsAreRecoveredFrom() throws Exception {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"circuitscope/documentStatus\",\"params\":{\"uri\":\"file:///x\"}}";
        c.raw("Content-Length: abc\r\n\r\n" + body);
        assertTrue(c.healthy(), "after a Content-Length that is not a number");
        c.raw("Content-Type: application/vscode-jsonrpc\r\n\r\n" + body);
        assertTrue(c.healthy(), "after a frame without Content-Length");
        c.raw("Content-Length: " + (body.length() - 10) + "\r\n\r\n" + body);
        assertTrue(c.healthy(), "after a Content-Length shorter than the body");
        String eight = body.replace("\"id\":7", "\"id\":8");
        c.raw("Content-Length: " + (eight.length() + 500) + "\r\n\r\n" + eight);
        assertNotNull(c.answer(8, 10_000), "a request whose Content-Length is longer than it is still answered (the stream went quiet)");
        String nine = body.replace("\"id\":7", "\"id\":9");
        c.raw("Content-Length: " + (nine.length() + 300) + "\r\n\r\n" + nine);
        assertTrue(c.healthy(), "after a Content-Length longer than the body, the next frame inside it");
        c.frame("{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"circuitscope/documentStatus\",\"params\":{\"uri\":\"file:///y\"}}");
        assertNotNull(c.answer(10, 10_000));
        c.raw("Content-Length: 99999999999\r\n\r\n" + body);
        assertTrue(c.healthy(), "after a Content-Length over the limit");
        c.raw("Content-Length: " + body.length() + "\r\nContent-Type: application/json; charset=klingon\r\n\r\n" + body);
        assertNotNull(c.answer(7, 10_000), "an unknown charset is read as UTF-8, the only one LSP has");
        c.raw("garbage that is no header at all\r\n\r\n");
        assertTrue(c.healthy(), "after bytes that are no header");
    }

    @Test
    void batchesAndArrayParamsAreAnsweredNotIgnored() throws Exception {
        c.frame("[{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"shutdown\"},{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"shutdown\"}]");
        for (int id : new int[] {11, 12}) {
            JsonObject a = c.answer(id, 10_000);
            assertNotNull(a, "batch member " + id + " answered");
            assertEquals(-32600, a.getAsJsonObject("error").get("code").getAsInt());
        }
        c.frame("{\"jsonrpc\":\"2.0\",\"id\":13,\"method\":\"circuitscope/detectHeads\",\"params\":[1,\"a\",{}]}");
        JsonObject a = c.answer(13, 10_000);
        assertNotNull(a, "array params answered");
        assertEquals(-32602, a.getAsJsonObject("error").get("code").getAsInt());
    }

    @Test
    void everyRequestIsAnsweredWithItsCodeAndNoStackTrace() throws Exception {
        String[][] cases = {
            {"textDocument/hover", "null", "-32602"},
            {"textDocument/hover", "{}", "-32602"},
            {"textDocument/completion", "{\"position\":{\"line\":0,\"character\":0}}", "-32602"},
            {"textDocument/inlayHint", "{\"textDocument\":{\"uri\":\"file:///a\"},\"range\":{\"end\":{\"line\":0,\"character\":0}}}", "-32602"},
            {"textDocument/semanticTokens/full", "null", "-32602"},
            {"textDocument/codeLens", "{}", "-32602"},
            {"textDocument/definition", "{\"textDocument\":{\"uri\":\"file:///a\"},\"position\":{\"line\":0,\"character\":0}}", "-32601"},
            {"workspace/executeCommand", "{\"command\":null}", "-32602"},
        };
        int id = 100;
        for (String[] k : cases) {
            id++;
            c.frame("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + k[0] + "\",\"params\":" + k[1] + "}");
            JsonObject a = c.answer(id, 10_000);
            assertNotNull(a, k[0] + " " + k[1] + " answered");
            JsonObject e = a.getAsJsonObject("error");
            assertNotNull(e, k[0] + " " + k[1] + ": an error, got " + a);
            assertEquals(Integer.parseInt(k[2]), e.get("code").getAsInt(), k[0] + " " + k[1] + ": " + e);
            assertFalse(a.toString().contains("\\tat ") || a.toString().contains("at org."), "no stack trace: " + a);
        }
        assertTrue(c.healthy());
    }

    @Test
    void anEditWithoutTextChangesNothingAndTheDocumentStaysServed() throws Exception {
        String uri = "file:///tmp/circuitscope-test/edit.prompt";
        c.frame("{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":{\"uri\":\"" + uri
                + "\",\"languageId\":\"prompt\",\"version\":1,\"text\":\"In the beginning\"}}}");
        c.frame("{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\",\"params\":{\"textDocument\":{\"uri\":\"" + uri
                + "\",\"version\":2},\"contentChanges\":[{}]}}");
        c.frame("{\"jsonrpc\":\"2.0\",\"id\":300,\"method\":\"textDocument/hover\",\"params\":{\"textDocument\":{\"uri\":\"" + uri
                + "\"},\"position\":{\"line\":0,\"character\":4}}}");
        JsonObject a = c.answer(300, 60_000);
        assertNotNull(a, "the hover is answered");
        assertFalse(a.has("error"), "the document is intact: " + a);
        assertTrue(a.get("result").isJsonObject() && a.getAsJsonObject("result").toString().contains("token id"), "a token card: " + a);
    }

    @Test
    void errorMessagesQuoteAFewDozenCharactersOfTheInput() throws Exception {
        String huge = filler(1_000_000);
        c.frame("{\"jsonrpc\":\"2.0\",\"id\":400,\"method\":\"workspace/executeCommand\",\"params\":{\"command\":\"" + huge + "\"}}");
        JsonObject a = c.answer(400, 20_000);
        assertNotNull(a);
        String message = a.getAsJsonObject("error").get("message").getAsString();
        assertEquals(-32602, a.getAsJsonObject("error").get("code").getAsInt());
        // The message names the server's commands (a list that grows with them), and quotes the input only briefly.
        int quoted = 0;
        for (int i = 0, run = 0; i < message.length(); i++) quoted = Math.max(quoted, run = message.charAt(i) == 'x' ? run + 1 : 0);
        assertTrue(quoted <= 100, "a few dozen characters of the input, not the input: " + quoted);
        assertTrue(message.length() < 1_000, "a short message: " + message.length() + " characters");
    }
}

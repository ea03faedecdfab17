package org.circuitscope.lsp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.circuitscope.lsp.command.CommandRegistry;
import org.circuitscope.lsp.protocol.CommandIds;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Any params for every request the server offers and every command it registers, against a real
 * server with a small model: each call is answered, or refused with one of the codes a client
 * can act on, never -32603 and never a stack trace. Commands are taken from
 * {@link CommandRegistry#ids()}, so a new command is fuzzed without a change here: in-process
 * through {@link CommandRegistry#execute} ({@code command:<id>}) and over JSON-RPC as
 * {@code circuitscope/<name>} and {@code workspace/executeCommand}.
 *
 * <p>Input: the target's name on the first line (any other line picks one by its hash), then the
 * params as JSON, where {@code $URI} stands for an open, analysed document. Corpus:
 * {@code JsonRpcParamsFuzzTestInputs/anyParams}.
 */
class JsonRpcParamsFuzzTest {
    /** InvalidParams, InvalidRequest, MethodNotFound, RequestCancelled, ContentModified, RequestFailed. */
    private static final Set<Integer> ALLOWED = Set.of(-32602, -32600, -32601, -32800, -32801, -32803);
    /**
     * A stack frame ("\tat a.B.m(B.java:12)") or an exception's class name: what a trace or an
     * exception's toString leaves in a message. Whole frames, as messages may quote the input.
     */
    private static final Pattern INTERNALS = Pattern.compile(
            "\\tat [\\w.$]+\\.[\\w$<>]+\\([\\w.]*(:\\d+)?\\)|\\b(java|javax|org|com)\\.[a-z0-9_]+\\.[A-Za-z0-9_.$]*(Exception|Error)\\b");

    @TempDir static Path tmp;
    static LspFixture f;
    static String uri;
    static final Map<String, Function<JsonElement, CompletableFuture<?>>> TARGETS = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        f = new LspFixture(LspFixture.settingsWithModel(TestModels.write(tmp, "fuzz", 2, false, 64, 11)), List.of("utf-16"));
        uri = f.open("---\ncircuitscope:\n  target: \" b\"\n---\nab ab ab a");
        f.diagnostics(uri, 1);
        for (String m : List.of("textDocument/hover", "textDocument/completion", "textDocument/inlayHint",
                "textDocument/semanticTokens/full", "textDocument/codeLens", "workspace/executeCommand", CommandIds.DOCUMENT_STATUS,
                CommandIds.RENDER, CommandIds.requestMethod(CommandIds.SHOW))) {
            TARGETS.put(m, p -> f.request(m, p));
        }
        CommandRegistry registry = new CommandRegistry(f.server.promptWorkspace());
        for (String id : registry.ids()) {
            TARGETS.put("command:" + id, p -> registry.execute(id, p));
            TARGETS.put(CommandIds.requestMethod(id), p -> f.request(CommandIds.requestMethod(id), p));
        }
    }

    @AfterAll
    static void stop() throws Exception { f.close(); }

    @FuzzTest(maxDuration = "10s")
    void anyParams(byte[] bytes) throws Exception {
        String input = new String(bytes, StandardCharsets.UTF_8);
        int newline = input.indexOf('\n');
        String name = newline < 0 ? input : input.substring(0, newline);
        String json = (newline < 0 ? "" : input.substring(newline + 1)).replace("$URI", uri);
        List<String> names = new ArrayList<>(TARGETS.keySet());
        String target = TARGETS.containsKey(name) ? name : names.get(Math.floorMod(name.hashCode(), names.size()));
        JsonElement params;
        try {
            params = JsonParser.parseString(json);
        } catch (JsonParseException e) {
            params = new JsonPrimitive(json);
        }
        CompletableFuture<?> answer = TARGETS.get(target).apply(params);
        try {
            answer.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof ResponseErrorException r)) {
                fail(target + " failed with " + e.getCause() + " for " + params, e.getCause());
                return;
            }
            ResponseError err = r.getResponseError();
            assertTrue(ALLOWED.contains(err.getCode()), target + " answered " + err.getCode() + " " + err.getMessage() + " for " + params);
            String said = err.getMessage() + " " + err.getData();
            assertFalse(INTERNALS.matcher(said).find(), target + " leaked internals: " + said);
        }
    }
}

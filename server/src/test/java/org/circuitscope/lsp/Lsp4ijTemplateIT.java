package org.circuitscope.lsp;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.ClientInfo;
import org.eclipse.lsp4j.ConfigurationParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverCapabilities;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.MarkupKind;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.ShowDocumentCapabilities;
import org.eclipse.lsp4j.ShowDocumentParams;
import org.eclipse.lsp4j.ShowDocumentResult;
import org.eclipse.lsp4j.ShowMessageRequestParams;
import org.eclipse.lsp4j.TextDocumentClientCapabilities;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.WindowClientCapabilities;
import org.eclipse.lsp4j.WorkDoneProgressCreateParams;
import org.eclipse.lsp4j.WorkspaceClientCapabilities;
import org.eclipse.lsp4j.WorkspaceFolder;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LSP4IJ template ({@code intellij-plugin/lsp4ij-template}) replayed as LSP4IJ uses it: its
 * JSON files parsed, the settings validated against its schema, {@code programArgs} for this OS
 * started from a PATH holding the repository root, {@code initialize} with
 * {@code initializationOptions.json}, a file its {@code fileTypeMappings} take opened with their
 * language id, and a hover on a token. An *IT (failsafe, after the package phase) because it
 * starts the launcher, like {@link LspLauncherIT}.
 */
class Lsp4ijTemplateIT {
    @TempDir Path tmp;

    static Path templateFolder() { return LspLauncherIT.repositoryRoot().resolve("intellij-plugin/lsp4ij-template"); }

    static JsonObject json(String file) throws Exception { return Lsp4ijTemplate.readObject(templateFolder().resolve(file)); }

    @Test
    void everyJsonFileIsStrictJsonWithTheFieldsLsp4ijReads() throws Exception {
        for (String f : Lsp4ijTemplate.JSON_FILES) assertNotNull(json(f), f);
        Lsp4ijTemplate t = Lsp4ijTemplate.load(templateFolder());
        assertEquals("circuitscope", t.id());
        assertEquals("circuitscope lsp", t.programArgsFor("Linux"), "the launcher on the PATH, so Java discovery stays in ./circuitscope");
        assertEquals("circuitscope lsp", t.programArgsFor("Mac OS X"));
        assertEquals(List.of("bash", "-c", "circuitscope lsp"), Lsp4ijTemplate.commandWords(t.programArgsFor("Windows 11")),
                "Windows runs the bash launcher through a bash on the PATH");
        assertEquals("prompt", t.languageIdFor("dursley.prompt").orElse(null));
        assertEquals("prompt", t.languageIdFor("a b.prompt").orElse(null));
        assertTrue(t.languageIdFor("notes.txt").isEmpty(), "only prompt files go to the server");
        assertTrue(t.languageIdFor("x.prompt.bak").isEmpty());
        // clientSettings.json: only names LSP4IJ's client settings schema has, with its types.
        assertEquals(List.of(), JsonSchemaSubset.validate(JsonParser.parseString("""
                {"type": "object", "additionalProperties": false, "properties": {
                  "caseSensitive": {"type": "boolean"},
                  "breadcrumbs": {"type": "object", "additionalProperties": false, "properties": {"enabled": {"type": "boolean"}}},
                  "completion": {"type": "object", "additionalProperties": false, "properties": {
                    "useContextAwareSorting": {"type": "boolean"}, "useTemplateForInvocationOnlySnippet": {"type": "boolean"}}}}}
                """).getAsJsonObject(), json("clientSettings.json")));
        assertTrue(Files.readString(templateFolder().resolve("README.md")).contains("Import from custom template"),
                "the README LSP4IJ shows behind its help icon says how to import");
    }

    @Test
    void settingsAndInitializationOptionsFollowTheSchema() throws Exception {
        JsonObject schema = json("settings.schema.json");
        assertEquals(List.of(), JsonSchemaSubset.validate(schema, json("settings.json")), "settings.json");
        assertEquals(List.of(), JsonSchemaSubset.validate(schema, json("initializationOptions.json")), "initializationOptions.json");
        JsonObject section = schema.getAsJsonObject("properties").getAsJsonObject("circuitscope").getAsJsonObject("properties");
        JsonObject settings = json("settings.json").getAsJsonObject("circuitscope");
        for (String name : List.of("defaultModel", "annotationMode", "topK", "memoryBudgetMb")) {
            assertEquals(section.getAsJsonObject(name).get("default"), settings.get(name), "settings.json holds the schema's default of " + name);
        }
        assertEquals(settings, json("initializationOptions.json").getAsJsonObject("circuitscope"),
                "initialize and workspace/configuration start from the same values");

        // Bad values fail, each with a message naming the path.
        assertBad(schema, "topK", "0", "$.circuitscope.topK: 0 is below the minimum 1");
        assertBad(schema, "topK", "101", "$.circuitscope.topK: 101 is above the maximum 100");
        assertBad(schema, "topK", "2.5", "$.circuitscope.topK: expected integer");
        assertBad(schema, "memoryBudgetMb", "\"256\"", "$.circuitscope.memoryBudgetMb: expected integer");
        assertBad(schema, "annotationMode", "\"loud\"", "$.circuitscope.annotationMode: \"loud\" is not one of");
        assertBad(schema, "topk", "5", "'topk' is not a known property");
        assertBad(schema, "viewer", "{\"enabled\": \"yes\"}", "$.circuitscope.viewer.enabled: expected boolean");
    }

    private static void assertBad(JsonObject schema, String name, String value, String expected) throws Exception {
        JsonObject bad = json("settings.json");
        bad.getAsJsonObject("circuitscope").add(name, JsonParser.parseString(value));
        List<String> errors = JsonSchemaSubset.validate(schema, bad);
        assertTrue(errors.stream().anyMatch(e -> e.contains(expected)), name + "=" + value + " should fail with '" + expected + "': " + errors);
    }

    /** The schema says what the VS Code extension's settings say (its circuitscope.* but java.home, which only starts the server there). */
    @Test
    void schemaMatchesTheVsCodeExtensionsSettings() throws Exception {
        JsonObject section = json("settings.schema.json").getAsJsonObject("properties").getAsJsonObject("circuitscope").getAsJsonObject("properties");
        JsonObject vscode = JsonParser.parseString(Files.readString(LspLauncherIT.repositoryRoot().resolve("vscode-extension/package.json")))
                .getAsJsonObject().getAsJsonObject("contributes").getAsJsonObject("configuration").getAsJsonObject("properties");
        List<String> compared = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : vscode.entrySet()) {
            String name = e.getKey().substring("circuitscope.".length());
            if (name.equals("java.home")) continue;
            JsonObject theirs = e.getValue().getAsJsonObject(), ours = section.getAsJsonObject(name);
            assertNotNull(ours, "the schema lacks the VS Code setting " + e.getKey());
            for (String k : List.of("type", "default", "enum", "minimum", "maximum")) {
                assertEquals(theirs.get(k), ours.get(k), e.getKey() + " " + k);
            }
            compared.add(name);
        }
        assertEquals(List.of("defaultModel", "annotationMode", "saes", "topK", "memoryBudgetMb", "backend", "scanDir"), compared);
        assertEquals(JsonParser.parseString("true"), section.getAsJsonObject("viewer").getAsJsonObject("properties")
                .getAsJsonObject("enabled").get("default"), "viewer.enabled: true, as the server's default");
    }

    @Test
    void replayedTemplateStartsTheLauncherAndHoversATokenOfAMappedFile() throws Exception {
        Path root = LspLauncherIT.repositoryRoot();
        Lsp4ijTemplate t = Lsp4ijTemplate.load(templateFolder());
        List<String> words = new ArrayList<>(Lsp4ijTemplate.commandWords(t.programArgsFor(System.getProperty("os.name"))));
        String path = root + File.pathSeparator + System.getenv("PATH");
        Path program = Lsp4ijTemplate.resolveOnPath(words.get(0), path);
        assertEquals(root.resolve("circuitscope"), program, "the PATH's first circuitscope is the repository's launcher");
        words.set(0, program.toString());
        ProcessBuilder pb = new ProcessBuilder(words).directory(tmp.toFile()).redirectError(tmp.resolve("stderr.txt").toFile());
        pb.environment().put("PATH", path);
        Process p = pb.start();
        try {
            Replay client = new Replay(json("settings.json"));
            Launcher<LanguageServer> launcher = new Launcher.Builder<LanguageServer>().setLocalService(client)
                    .setRemoteInterface(LanguageServer.class).setInput(p.getInputStream()).setOutput(p.getOutputStream()).create();
            launcher.startListening();
            LanguageServer server = launcher.getRemoteProxy();

            InitializeResult init = server.initialize(initializeParams(json("initializationOptions.json"))).get(3, TimeUnit.MINUTES);
            assertTrue(init.getCapabilities().getHoverProvider().getLeft(), "hovers are offered");
            server.initialized(new InitializedParams());

            Path file = tmp.resolve("x.prompt");
            String text = "Mr and Mrs Dursley, of number four, Privet Drive, were proud to say that they were perfectly normal.\n";
            Files.writeString(file, text);
            String uri = file.toUri().toString();
            String languageId = t.languageIdFor(file.getFileName().toString()).orElseThrow(() -> new AssertionError("no mapping takes x.prompt"));
            assertEquals("prompt", languageId, "the language id of the prompt files");
            server.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(uri, languageId, 1, text)));
            client.awaitDiagnostics(uri, 1);

            int character = text.indexOf("Privet") + 2;
            Hover hover = server.getTextDocumentService().hover(new HoverParams(new TextDocumentIdentifier(uri), new Position(0, character)))
                    .get(60, TimeUnit.SECONDS);
            assertNotNull(hover, "a hover on a token of the prompt");
            Range r = hover.getRange();
            assertNotNull(r, "the hover says which token it is about");
            String token = text.substring(r.getStart().getCharacter(), r.getEnd().getCharacter());
            assertTrue(r.getStart().getCharacter() <= character && character < r.getEnd().getCharacter(), "the token under the cursor: " + r);
            assertTrue(token.strip().length() > 0 && "Privet".contains(token.strip()), "a piece of 'Privet': '" + token + "'");
            String markdown = hover.getContents().getRight().getValue();
            assertEquals(MarkupKind.MARKDOWN, hover.getContents().getRight().getKind());
            assertTrue(markdown.contains(token.strip()), "the hover names its token '" + token + "':\n" + markdown);
            assertTrue(markdown.contains("surprisal"), markdown);
            assertEquals(List.of(), client.messages, "no error or warning shown for the template's settings");

            // The server pulls its section; LSP4IJ answers it from settings.json as it stands.
            JsonElement answered = client.awaitConfiguration("circuitscope");
            assertEquals(json("settings.json").get("circuitscope"), answered, "workspace/configuration answered from settings.json");

            server.shutdown().get(30, TimeUnit.SECONDS);
            server.exit();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the server exits after exit");
            assertEquals(0, p.exitValue(), "stderr:\n" + Files.readString(tmp.resolve("stderr.txt")));
        } finally {
            if (p.isAlive()) p.destroyForcibly();
        }
    }

    /** What LSP4IJ offers that matters here: configuration pulls, showDocument for the viewer, markdown hovers, progress. */
    private InitializeParams initializeParams(JsonObject initializationOptions) {
        InitializeParams p = new InitializeParams();
        p.setProcessId((int) ProcessHandle.current().pid());
        p.setClientInfo(new ClientInfo("LSP4IJ template replay"));
        p.setWorkspaceFolders(List.of(new WorkspaceFolder(tmp.toUri().toString(), "project")));
        ClientCapabilities caps = new ClientCapabilities();
        WorkspaceClientCapabilities w = new WorkspaceClientCapabilities();
        w.setConfiguration(true);
        caps.setWorkspace(w);
        WindowClientCapabilities win = new WindowClientCapabilities();
        win.setWorkDoneProgress(true);
        win.setShowDocument(new ShowDocumentCapabilities(true));
        caps.setWindow(win);
        TextDocumentClientCapabilities td = new TextDocumentClientCapabilities();
        td.setHover(new HoverCapabilities(List.of(MarkupKind.MARKDOWN, MarkupKind.PLAINTEXT), false));
        caps.setTextDocument(td);
        p.setCapabilities(caps);
        p.setInitializationOptions(initializationOptions);
        return p;
    }

    /** The IDE's side: answers workspace/configuration with settings.json's member named by the section (LSP4IJ's first lookup), and records what the server sends. */
    static final class Replay implements LanguageClient {
        final JsonObject settings;
        final Map<String, PublishDiagnosticsParams> diagnostics = new ConcurrentHashMap<>();
        final Map<String, JsonElement> configurationAnswers = new ConcurrentHashMap<>();
        final List<MessageParams> messages = new CopyOnWriteArrayList<>();

        Replay(JsonObject settings) { this.settings = settings; }

        @Override public CompletableFuture<List<Object>> configuration(ConfigurationParams p) {
            List<Object> out = new ArrayList<>();
            p.getItems().forEach(i -> {
                JsonElement e = i.getSection() == null ? settings : settings.get(i.getSection());
                if (e != null) configurationAnswers.put(String.valueOf(i.getSection()), e);
                out.add(e);
            });
            return CompletableFuture.completedFuture(out);
        }
        @Override public void publishDiagnostics(PublishDiagnosticsParams p) { diagnostics.put(p.getUri(), p); }
        @Override public void showMessage(MessageParams p) { messages.add(p); }
        @Override public CompletableFuture<MessageActionItem> showMessageRequest(ShowMessageRequestParams p) {
            messages.add(new MessageParams(p.getType(), p.getMessage()));
            return CompletableFuture.completedFuture(null);
        }
        @Override public void telemetryEvent(Object o) {}
        @Override public void logMessage(MessageParams p) {}
        @Override public CompletableFuture<Void> createProgress(WorkDoneProgressCreateParams p) { return CompletableFuture.completedFuture(null); }
        @Override public void notifyProgress(org.eclipse.lsp4j.ProgressParams p) {}
        @Override public CompletableFuture<ShowDocumentResult> showDocument(ShowDocumentParams p) { return CompletableFuture.completedFuture(new ShowDocumentResult(true)); }
        @Override public CompletableFuture<Void> refreshInlayHints() { return CompletableFuture.completedFuture(null); }
        @Override public CompletableFuture<Void> refreshSemanticTokens() { return CompletableFuture.completedFuture(null); }
        @Override public CompletableFuture<Void> refreshCodeLenses() { return CompletableFuture.completedFuture(null); }

        /** The diagnostics of a version, published once its analysis is done (a first start extracts the embedded model). */
        void awaitDiagnostics(String uri, int version) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (System.nanoTime() < end) {
                PublishDiagnosticsParams d = diagnostics.get(uri);
                if (d != null && d.getVersion() != null && d.getVersion() == version) {
                    assertEquals(List.of(), d.getDiagnostics(), "the template's settings give a working model");
                    return;
                }
                Thread.sleep(20);
            }
            throw new AssertionError("no diagnostics for " + uri + " version " + version + "; messages: " + messages);
        }

        JsonElement awaitConfiguration(String section) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < end) {
                JsonElement e = configurationAnswers.get(section);
                if (e != null) return e;
                Thread.sleep(20);
            }
            throw new AssertionError("the server never asked for the '" + section + "' section");
        }
    }
}

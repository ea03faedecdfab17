package org.circuitscope.view;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.circuitscope.engine.PromptDocument;
import org.circuitscope.engine.PromptWorkspace;
import org.circuitscope.engine.Settings;
import org.circuitscope.lsp.TestSaes;
import org.circuitscope.lsp.command.CommandRegistry;

/**
 * Real answers for the picture tests: the language server's own {@link CommandRegistry} on a
 * workspace with the shipped model, so each page is drawn from exactly what an editor receives.
 */
final class Answers implements AutoCloseable {
    /** The shipped default model (samples/models/attn-only-2l: two layers of four heads, with an induction head L1H0). */
    static final Path SHIPPED = Path.of("..", "samples", "models", "attn-only-2l").toAbsolutePath().normalize();

    /**
     * A prompt whose tokens must stay text: a script tag, an ampersand, both quotes and a bar,
     * with a repeated name so that the induction head has something to do.
     */
    static final String NASTY = "Mr and Mrs Dursley <script>alert(\"x\")</script> & 'it' | \"q\" Mr and Mrs Dursley";

    /** The feature the feature card is drawn for: one of a small random SAE's on blocks.0.hook_resid_post ({@link TestSaes}). */
    static final String FEATURE = "resid0:0";

    private final PromptWorkspace ws;
    private final CommandRegistry commands;
    private final Path saes;
    final String uri = "file:///tmp/circuitscope-view-test/a.prompt";

    private final Path model;

    Answers(Path model, String text) {
        this.model = model;
        ws = new PromptWorkspace(new PromptWorkspace.Listener() {
            @Override public void analysed(org.circuitscope.engine.Analysis a) {}
            @Override public AutoCloseable progress(String title) { return () -> {}; }
        });
        JsonObject s = new JsonObject();
        s.addProperty("defaultModel", model.toString());
        try {
            saes = Files.createTempDirectory("circuitscope-view-saes");
            int dModel = JsonParser.parseString(Files.readString(model.resolve("config.json"))).getAsJsonObject().get("d_model").getAsInt();
            JsonArray list = new JsonArray();
            list.add(TestSaes.relu(saes, "resid0", "blocks.0.hook_resid_post", dModel, 32, 3).toString());
            s.add("saes", list);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        ws.setSettings(Settings.defaults().with(s));
        ws.open(new PromptDocument(uri, "prompt", 1, text));
        commands = new CommandRegistry(ws);
    }

    /** Names a corpus scan of this model in the settings (written on first use), for the scan-examples page. */
    void useScan() throws java.io.IOException {
        JsonObject s = new JsonObject();
        s.addProperty("scanDir", scanOf(model).toString());
        ws.setSettings(ws.settings().with(s));
    }

    private static final java.util.Map<Path, Path> SCANS = new java.util.HashMap<>();

    /** A scan of {@code model} over the first 24 verses of the held-out Hebrews text, into target/page-scans, once per test JVM. */
    static synchronized Path scanOf(Path model) throws java.io.IOException {
        Path have = SCANS.get(model);
        if (have != null) return have;
        Path dir = Path.of("target", "page-scans", model.getFileName().toString()).toAbsolutePath();
        if (java.nio.file.Files.exists(dir)) {
            try (var files = java.nio.file.Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        java.nio.file.Files.createDirectories(dir);
        Path verses = dir.resolve("verses.txt");
        java.nio.file.Files.writeString(verses, String.join("\n",
                java.nio.file.Files.readAllLines(Path.of("..", "samples", "prompts", "hebrews-heldout.txt")).subList(0, 24)));
        try (var m = org.circuitscope.io.ModelDirectory.load(model)) {
            org.circuitscope.scan.ScanRunner.run(m, org.circuitscope.scan.ScanSpec.of(Math.min(64, m.config().nCtx()), true),
                    org.circuitscope.scan.Corpus.read(java.util.List.of(verses)), dir.resolve("scan"),
                    new org.circuitscope.scan.ScanRunner.Options(2, 100_000, 0), (d, t, k) -> {});
        }
        SCANS.put(model, dir.resolve("scan"));
        return dir.resolve("scan");
    }

    /** The request a page is drawn for: {@code json} with this document's uri. */
    JsonObject args(String json) {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        o.addProperty("uri", uri);
        return o;
    }

    /** The command's answer, as the server sends it. */
    JsonElement answer(String command, JsonObject args) throws Exception {
        return (JsonElement) commands.execute(command, args).get(60, TimeUnit.SECONDS);
    }

    @Override public void close() {
        ws.close();
        try (var files = Files.walk(saes)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            // a temporary folder left behind
        }
    }
}

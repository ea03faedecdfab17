package org.circuitscope.lsp;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.circuitscope.io.ModelDirectory;
import org.circuitscope.model.ActFn;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.tokenizer.TokenizerJsonWriter;
import org.eclipse.lsp4j.CodeLensParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.InlayHintParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.SemanticTokensParams;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.services.LanguageServer;

/**
 * The start-up cache's training session: one language-server session in this process, over a
 * loopback socket and JSON-RPC as with an editor: start, open a prompt on the embedded default
 * model, ask for the hover, inlay hints, code lenses and semantic tokens the editor asks for
 * first; then, once the SIMD kernels answer, a hover on the last token of a prompt on a model of
 * GPT-2 small's width (written to a temporary folder and deleted after); shut down. What it
 * loads and runs is what the cache holds, and JDK 25 keeps the methods' profiles too (JEP 515):
 * C2 compiles the kernels of a large model's first pass sooner.
 */
public final class AotTrainingSession {
    private AotTrainingSession() {}

    private static final String PROMPT = "The model attends to earlier tokens and copies what followed them before.\n"
            + "When a name appears twice, the head that saw it first looks back and predicts what came next.\n".repeat(4);

    public static int run() throws Exception {
        try (LoopbackStreams streams = LoopbackStreams.open()) {
            return session(streams);
        }
    }

    private static int session(LoopbackStreams streams) throws Exception {
        LspLauncher.start(streams.serverIn(), streams.serverOut(), code -> {});
        Launcher<LanguageServer> l = new Launcher.Builder<LanguageServer>().setLocalService(new SilentClient())
                .setRemoteInterface(LanguageServer.class).setInput(streams.clientIn()).setOutput(streams.clientOut()).create();
        l.startListening();
        LanguageServer s = l.getRemoteProxy();
        s.initialize(SilentClient.initializeParams()).get(2, TimeUnit.MINUTES);
        s.initialized(new InitializedParams());
        String uri = "file:///circuitscope-aot-training/train.prompt";
        var docs = s.getTextDocumentService();
        docs.didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(uri, "prompt", 1, PROMPT)));
        String[] lines = PROMPT.split("\n", -1);
        int last = lines.length - 2; // the text ends with a newline
        TextDocumentIdentifier doc = new TextDocumentIdentifier(uri);
        Range all = new Range(new Position(0, 0), new Position(last, lines[last].length()));
        for (int attempt = 1; ; attempt++) {
            try {
                Hover h = docs.hover(new HoverParams(doc, new Position(last, 5))).get(2, TimeUnit.MINUTES);
                if (h == null) throw new IllegalStateException("the training prompt got no hover");
                docs.inlayHint(new InlayHintParams(doc, all)).get(2, TimeUnit.MINUTES);
                docs.codeLens(new CodeLensParams(doc)).get(2, TimeUnit.MINUTES);
                docs.semanticTokensFull(new SemanticTokensParams(doc)).get(2, TimeUnit.MINUTES);
                break;
            } catch (java.util.concurrent.ExecutionException e) {
                // A request answered with an error (ContentModified when settings arrived and the
                // document was analysed again): ask again; a session that keeps failing is a failure.
                if (attempt == 3) throw e;
            }
        }
        // The session above ran on the scalar kernels (their race had not ended). A large model's
        // first pass runs on the SIMD ones: a prompt on a model of GPT-2 small's width puts their
        // profiles (and the Vector API's classes) into the cache too, so C2 compiles them sooner.
        if (org.circuitscope.tensor.Kernels.awaitCompiled(java.time.Duration.ofMinutes(1))) {
            Path dir = Files.createTempDirectory("circuitscope-aot-training");
            try {
                wideModel(dir);
                String wide = "---\ncircuitscope:\n  model: " + dir.toAbsolutePath() + "\n---\n" + PROMPT.repeat(2);
                String wideUri = "file:///circuitscope-aot-training/wide.prompt";
                docs.didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(wideUri, "prompt", 1, wide)));
                String[] wl = wide.split("\n", -1);
                int wlast = wl.length - 2;
                // The last token, whose card reads every position: the path of the first hover measured by LspColdStart.
                Hover h = docs.hover(new HoverParams(new TextDocumentIdentifier(wideUri), new Position(wlast, wl[wlast].length() - 1))).get(5, TimeUnit.MINUTES);
                if (h == null) throw new IllegalStateException("the wide training prompt got no hover");
                docs.semanticTokensFull(new SemanticTokensParams(new TextDocumentIdentifier(wideUri))).get(5, TimeUnit.MINUTES);
            } finally {
                try (var files = Files.list(dir)) {
                    for (Path f : files.toList()) Files.deleteIfExists(f);
                }
                Files.deleteIfExists(dir);
            }
        }
        s.shutdown().get(1, TimeUnit.MINUTES);
        return 0;
    }

    /**
     * Two blocks of GPT-2 small's width (d_model 768, 12 heads, d_mlp 3072, gelu_new, LayerNorm)
     * with random weights and the byte-level tokenizer: the products and rows of the large
     * models' passes at a tenth of their size (57 MB).
     */
    private static void wideModel(Path dir) throws java.io.IOException {
        ModelConfig cfg = new ModelConfig("aot-training-gpt2-width", 2, 768, 12, 64, 3072, 512, 1024,
                ActFn.GELU_NEW, Normalization.LN, false, 1e-5, true);
        ModelDirectory.save(dir, RandomWeights.generate(cfg, 1, 0.02), "F32");
        TokenizerJsonWriter.write(dir.resolve(ModelDirectory.TOKENIZER), List.of());
    }
}

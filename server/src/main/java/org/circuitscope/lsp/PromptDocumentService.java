package org.circuitscope.lsp;

import java.util.ArrayList;
import org.circuitscope.engine.Analysis;
import org.circuitscope.engine.AnnotationMode;
import org.circuitscope.engine.LineIndex;
import org.circuitscope.engine.PromptDocument;
import org.circuitscope.engine.PromptWorkspace;
import org.circuitscope.engine.TextChange;
import org.circuitscope.lsp.feature.CodeLensFeature;
import org.circuitscope.lsp.feature.CompletionFeature;
import org.circuitscope.lsp.feature.HoverFeature;
import org.circuitscope.lsp.feature.InlayHintFeature;
import org.circuitscope.lsp.feature.SemanticTokensFeature;
import org.circuitscope.lsp.protocol.Answers;
import org.circuitscope.lsp.protocol.Params;
import org.circuitscope.lsp.protocol.Positions;
import org.circuitscope.lsp.protocol.ViewLinks;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.eclipse.lsp4j.CodeLens;
import org.eclipse.lsp4j.CodeLensParams;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionList;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidCloseTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.DidSaveTextDocumentParams;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.InlayHint;
import org.eclipse.lsp4j.InlayHintParams;
import org.eclipse.lsp4j.SemanticTokens;
import org.eclipse.lsp4j.SemanticTokensParams;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.services.TextDocumentService;

/** textDocument/*: converts protocol types and hands each request to its feature through {@link PromptWorkspace#request}. */
final class PromptDocumentService implements TextDocumentService {
    private final PromptWorkspace ws;
    private final Supplier<ViewLinks> links;

    /** {@code links} says where hovers and lenses link to views (they depend on the client and the settings). */
    PromptDocumentService(PromptWorkspace ws, Supplier<ViewLinks> links) {
        this.ws = ws;
        this.links = links;
    }

    @Override
    public void didOpen(DidOpenTextDocumentParams p) {
        TextDocumentItem d = p.getTextDocument();
        if (d == null || d.getUri() == null) return;
        ws.open(new PromptDocument(d.getUri(), d.getLanguageId(), d.getVersion(), d.getText() == null ? "" : d.getText()));
    }

    @Override
    public void didChange(DidChangeTextDocumentParams p) {
        if (p.getTextDocument() == null || p.getContentChanges() == null) return;
        List<TextChange> changes = new ArrayList<>(p.getContentChanges().size());
        for (TextDocumentContentChangeEvent c : p.getContentChanges()) {
            if (c == null || c.getText() == null) continue; // a change without text changes nothing
            changes.add(c.getRange() == null ? TextChange.whole(c.getText())
                    : new TextChange(Positions.of(c.getRange().getStart()), Positions.of(c.getRange().getEnd()), c.getText()));
        }
        ws.change(p.getTextDocument().getUri(), p.getTextDocument().getVersion(), changes);
    }

    @Override
    public void didClose(DidCloseTextDocumentParams p) {
        if (p.getTextDocument() != null) ws.close(p.getTextDocument().getUri());
    }

    @Override
    public void didSave(DidSaveTextDocumentParams p) {}

    @Override
    public CompletableFuture<Hover> hover(HoverParams p) {
        String uri = uri("textDocument/hover", p == null ? null : p.getTextDocument());
        Params.need("textDocument/hover", "position", p.getPosition());
        // A hover on token i reads only positions < i, so after an edit at or after it the early run answers it.
        return Answers.of(ws.requestEarly(uri, null, a -> {
            int off = index(a).offset(Positions.of(p.getPosition()));
            return off < 0 || a.run().positionAt(off) < a.run().ready();
        }, (a, cancel) -> {
            if (a.run() == null) return null;
            LineIndex idx = index(a);
            int off = idx.offset(Positions.of(p.getPosition()));
            return off < 0 ? null : HoverFeature.hover(a.run(), a.saes(), off, idx, ws.settings(), links.get(), cancel);
        }));
    }

    @Override
    public CompletableFuture<List<InlayHint>> inlayHint(InlayHintParams p) {
        String uri = uri("textDocument/inlayHint", p == null ? null : p.getTextDocument());
        if (p.getRange() != null) {
            Params.need("textDocument/inlayHint", "range.start", p.getRange().getStart());
            Params.need("textDocument/inlayHint", "range.end", p.getRange().getEnd());
        }
        return Answers.of(ws.request(uri, List.of(), (a, cancel) -> {
            if (a.run() == null) return List.of();
            LineIndex idx = index(a);
            AnnotationMode mode = a.frontMatter().annotations() != null ? a.frontMatter().annotations() : ws.settings().annotationMode();
            int from = p.getRange() == null ? 0 : idx.offsetClamped(Positions.of(p.getRange().getStart()));
            int to = p.getRange() == null ? a.doc().text().length() : idx.offsetClamped(Positions.of(p.getRange().getEnd()));
            return InlayHintFeature.hints(a.run(), a.saes(), from, to, mode, idx, cancel);
        }));
    }

    @Override
    public CompletableFuture<SemanticTokens> semanticTokensFull(SemanticTokensParams p) {
        return Answers.of(ws.request(uri("textDocument/semanticTokens/full", p == null ? null : p.getTextDocument()), new SemanticTokens(List.of()), (a, cancel) ->
                a.run() == null ? new SemanticTokens(List.of()) : SemanticTokensFeature.tokens(a.run(), index(a))));
    }

    @Override
    public CompletableFuture<List<? extends CodeLens>> codeLens(CodeLensParams p) {
        return Answers.of(ws.request(uri("textDocument/codeLens", p == null ? null : p.getTextDocument()), List.of(), (a, cancel) ->
                a.run() == null ? List.of() : CodeLensFeature.lenses(a.run(), index(a), links.get())));
    }

    @Override
    public CompletableFuture<Either<List<CompletionItem>, CompletionList>> completion(CompletionParams p) {
        String uri = uri("textDocument/completion", p == null ? null : p.getTextDocument());
        Params.need("textDocument/completion", "position", p.getPosition());
        return Answers.of(ws.request(uri, Either.forRight(new CompletionList(List.of())), (a, cancel) -> {
            if (a.run() == null) return Either.forRight(new CompletionList(List.of()));
            LineIndex idx = index(a);
            int off = idx.offset(Positions.of(p.getPosition()));
            if (off < 0) return Either.forRight(new CompletionList(List.of()));
            return Either.forRight(CompletionFeature.complete(a.run(), off, idx, Math.max(10, ws.settings().topK()), cancel));
        }));
    }

    /** The document a request names; InvalidParams when params, textDocument or its uri is missing. */
    private static String uri(String method, TextDocumentIdentifier doc) {
        return Params.need(method, "textDocument.uri", Params.need(method, "textDocument", doc).getUri());
    }

    private LineIndex index(Analysis a) { return new LineIndex(a.doc().text(), ws.encoding()); }
}

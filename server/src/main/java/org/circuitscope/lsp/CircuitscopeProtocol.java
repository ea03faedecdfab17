package org.circuitscope.lsp;

import com.google.gson.JsonElement;
import java.util.concurrent.CompletableFuture;
import org.circuitscope.lsp.feature.DocumentStatusFeature;
import org.eclipse.lsp4j.jsonrpc.services.JsonRequest;

/**
 * The custom requests {@code circuitscope/<name>}, one per command, each taking the command's
 * JSON object and answering its JSON. Java clients (tests, benchmarks) put this interface on
 * their remote proxy so LSP4J knows the methods' types.
 */
public interface CircuitscopeProtocol {
    @JsonRequest("circuitscope/inspectHead")
    CompletableFuture<Object> inspectHead(JsonElement params);

    @JsonRequest("circuitscope/attentionPattern")
    CompletableFuture<Object> attentionPattern(JsonElement params);

    @JsonRequest("circuitscope/termImportance")
    CompletableFuture<Object> termImportance(JsonElement params);

    @JsonRequest("circuitscope/scanExamples")
    CompletableFuture<Object> scanExamples(JsonElement params);

    @JsonRequest("circuitscope/pathExpansion")
    CompletableFuture<Object> pathExpansion(JsonElement params);

    @JsonRequest("circuitscope/attribute")
    CompletableFuture<Object> attribute(JsonElement params);

    @JsonRequest("circuitscope/ablate")
    CompletableFuture<Object> ablate(JsonElement params);

    @JsonRequest("circuitscope/detectHeads")
    CompletableFuture<Object> detectHeads(JsonElement params);

    @JsonRequest("circuitscope/logitLens")
    CompletableFuture<Object> logitLens(JsonElement params);

    @JsonRequest("circuitscope/predict")
    CompletableFuture<Object> predict(JsonElement params);

    @JsonRequest("circuitscope/featureCard")
    CompletableFuture<Object> featureCard(JsonElement params);

    /** A view's page for a webview: {@code {command, args, nonce?}} → {@code {title, html}}. */
    @JsonRequest("circuitscope/render")
    CompletableFuture<Object> render(JsonElement params);

    /** Opens a view in the browser: {@code {view, uri, ...args}} → {@code {url}}, and {@code window/showDocument}. */
    @JsonRequest("circuitscope/show")
    CompletableFuture<Object> show(JsonElement params);

    /** The model, loss and problem of a document ({@code {"uri"}}), for status bars. */
    @JsonRequest("circuitscope/documentStatus")
    CompletableFuture<DocumentStatusFeature.DocumentStatus> documentStatus(JsonElement params);
}

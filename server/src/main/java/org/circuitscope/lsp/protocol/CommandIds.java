package org.circuitscope.lsp.protocol;

import java.util.List;

/**
 * The names clients call: {@code workspace/executeCommand} ids, each also a custom request
 * {@code circuitscope/<name>}, and the server's other custom requests. The VS Code client keeps
 * the same names in its protocol module.
 */
public final class CommandIds {
    public static final String INSPECT_HEAD = "circuitscope.inspectHead";
    public static final String ATTENTION_PATTERN = "circuitscope.attentionPattern";
    public static final String PATH_EXPANSION = "circuitscope.pathExpansion";
    public static final String ATTRIBUTE = "circuitscope.attribute";
    public static final String ABLATE = "circuitscope.ablate";
    public static final String DETECT_HEADS = "circuitscope.detectHeads";
    public static final String LOGIT_LENS = "circuitscope.logitLens";
    public static final String PREDICT = "circuitscope.predict";
    public static final String COMPOSITION_SCORES = "circuitscope.compositionScores";
    public static final String PATCH = "circuitscope.patch";
    public static final String TERM_IMPORTANCE = "circuitscope.termImportance";
    /** One SAE feature on a document ({@code {"uri", "feature": "<sae>:<index>"}}). */
    public static final String FEATURE_CARD = "circuitscope.featureCard";
    public static final String SCAN_EXAMPLES = "circuitscope.scanExamples";
    public static final List<String> ALL = List.of(INSPECT_HEAD, ATTENTION_PATTERN, PATH_EXPANSION, ATTRIBUTE, ABLATE, DETECT_HEADS,
            LOGIT_LENS, PREDICT, COMPOSITION_SCORES, PATCH, TERM_IMPORTANCE, FEATURE_CARD, SCAN_EXAMPLES);

    /** A document's model, loss and problem, for status bars ({@code {"uri"}} → {@code DocumentStatus}). */
    public static final String DOCUMENT_STATUS = "circuitscope/documentStatus";
    /** A view's page for a webview ({@code {command, args, nonce?}} → {@code {title, html}}). */
    public static final String RENDER = "circuitscope/render";
    /** Opens a view in the browser through the loopback viewer ({@code {view, ...args}} → {@code {url}}). */
    public static final String SHOW = "circuitscope.show";

    private CommandIds() {}

    /** The custom request method for a command: {@code circuitscope.inspectHead} → {@code circuitscope/inspectHead}. */
    public static String requestMethod(String command) { return command.replace('.', '/'); }
}

/**
 * The language server's protocol glue: capabilities and lifecycle ({@link org.circuitscope.lsp.CircuitscopeServer}),
 * the text document and workspace services that turn protocol types into engine calls, the custom
 * requests ({@link org.circuitscope.lsp.CircuitscopeProtocol}) and the launchers. What a request
 * answers is one class in {@code feature} (editor features) or {@code command} (commands); the
 * per-document analysis is core's {@code org.circuitscope.engine}.
 */
package org.circuitscope.lsp;

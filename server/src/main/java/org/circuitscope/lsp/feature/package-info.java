/**
 * One class per LSP feature (hover, inlay hints, semantic tokens, code lens, completion,
 * diagnostics, the document status): each reads a document's {@link org.circuitscope.engine.PromptRun}
 * and answers protocol types. The hover builds a {@link org.circuitscope.lsp.feature.TokenCard}
 * and {@link org.circuitscope.lsp.feature.TokenCardMarkdown} writes it. Features know nothing of
 * the commands but their ids (org.circuitscope.lsp.protocol).
 */
package org.circuitscope.lsp.feature;


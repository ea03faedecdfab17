/**
 * The language server: LSP4J glue ({@link org.circuitscope.lsp.CircuitscopeServer},
 * {@link org.circuitscope.lsp.PromptDocumentService}, {@link org.circuitscope.lsp.PromptWorkspaceService}),
 * prompt documents (front matter, positions in the negotiated encoding), the per-document analysis on
 * a dedicated worker pool, and one small class per editor feature. Features read a
 * {@link org.circuitscope.lsp.PromptRun} and return protocol types; the analyses themselves are the
 * circuits library's ({@code org.circuitscope.circuits}), which features call and map to JSON or
 * Markdown. Edits are analysed incrementally ({@link org.circuitscope.model.IncrementalForward}).
 */
package org.circuitscope.lsp;

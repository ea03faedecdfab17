package org.circuitscope.lsp.viewer;

import org.circuitscope.engine.TextPosition;

/**
 * One open document in the viewer's index.
 *
 * @param uri       the document
 * @param model     its model's name; null when it has no analysis
 * @param layers    the model's layers (one attention link each); 0 without an analysis
 * @param lastToken where the last token starts (the views of one prediction explain it); null without tokens
 * @param problem   why there is no analysis; null when there is one
 */
record IndexEntry(String uri, String model, int layers, TextPosition lastToken, String problem) {}

package org.circuitscope.lsp.viewer;

import org.circuitscope.view.Page;

/**
 * A view's page and the HTTP status it is served with: 200 for the picture; for the error page,
 * 400 when the arguments were wrong (InvalidParams), 404 for a command that has no view, 500
 * when the command failed, 504 when it ran past the viewer's time limit.
 */
public record ViewResult(Page page, int status) {}

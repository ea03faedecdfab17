/**
 * The pictures outside VS Code: a loopback HTTP viewer (the JDK's {@code com.sun.net.httpserver})
 * that runs a command and serves its page to the browser, the {@code circuitscope.show} command
 * that opens one through {@code window/showDocument}, and the page rendering that the
 * {@code circuitscope/render} request shares with it. Drawing itself is {@code org.circuitscope.view}'s.
 */
package org.circuitscope.lsp.viewer;

/**
 * LSP4IJ glue: the server definition's factory, the process it starts (the bundled jar with a Java 25), the client
 * that shows viewer pages in the tool window, and the one place that sends workspace/executeCommand.
 */
package org.circuitscope.intellij.lsp;

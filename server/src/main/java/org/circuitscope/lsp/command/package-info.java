/**
 * The server's commands, one class per command ({@link org.circuitscope.lsp.command.ServerCommand}),
 * found through {@link org.circuitscope.lsp.command.CommandRegistry}. Each reads its JSON argument,
 * calls the engine and the circuits library, and answers a report record: the shared analyses
 * answer the same report as the command line (org.circuitscope.report). Commands know nothing of
 * the editor features.
 */
package org.circuitscope.lsp.command;

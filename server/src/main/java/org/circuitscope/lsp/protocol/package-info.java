/**
 * What the server's glue, its features and its commands share of the protocol: the command ids
 * and custom request names, reading command arguments, converting positions, and mapping the
 * engine's outcomes to LSP errors.
 */
package org.circuitscope.lsp.protocol;

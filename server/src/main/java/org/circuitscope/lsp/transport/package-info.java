/**
 * The byte stream under JSON-RPC: framing that survives any input (exact Content-Length bodies,
 * resynchronisation after broken headers, a size cap), answers to messages LSP4J cannot dispatch,
 * and the errors requests get when a handler throws. LSP4J still parses, dispatches and writes.
 */
package org.circuitscope.lsp.transport;

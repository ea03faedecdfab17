/**
 * What the command line, the language server and batch jobs share, with no protocol library:
 * prompt documents (front matter, positions in an editor's encoding), the analysis of each
 * document version run incrementally over its key/value cache ({@link org.circuitscope.engine.Analyzer}),
 * the activations it keeps under a memory budget ({@link org.circuitscope.engine.ActivationStore}),
 * the models it loaded ({@link org.circuitscope.engine.ModelCache}), and the scheduler that runs
 * analyses and requests with cancellation ({@link org.circuitscope.engine.PromptWorkspace},
 * {@link org.circuitscope.engine.Cancel}).
 */
package org.circuitscope.engine;

/**
 * The analyses of "A Mathematical Framework for Transformer Circuits" as a library: head
 * detectors, and (to come) factored circuits, composition scores, path expansion and
 * attributions. Results are plain records; nothing here knows about LSP.
 */
package org.circuitscope.circuits;

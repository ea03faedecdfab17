/**
 * The pictures, drawn once for every editor: each view (attention heatmaps, the heads overview,
 * the head card, path bars, attribution, ablation, the logit lens, composition scores) is a
 * self-contained HTML page with inline SVG, made from a command's JSON answer. The language
 * server hands pages to VS Code's webviews and serves them to other editors' browsers; nothing
 * here knows LSP.
 */
package org.circuitscope.view;

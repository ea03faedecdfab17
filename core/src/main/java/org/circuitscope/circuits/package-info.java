/**
 * The analyses of "A Mathematical Framework for Transformer Circuits" as a library:
 * {@link org.circuitscope.circuits.FactoredMatrix} and the token-space circuits of each head
 * (QK, OV, direct path, skip-trigrams, copying scores), composition scores, exact path
 * expansion of a logit, direct logit and source-token attribution, gradient attributions,
 * the logit lens, head detectors, interventions (ablation, activation patching), and the
 * direct path against a text's bigram statistics (the zero-layer model).
 * Each analysis states its formula in its doc comment; results are plain records that Gson
 * serialises; nothing here knows about LSP.
 */
package org.circuitscope.circuits;

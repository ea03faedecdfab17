/**
 * What sparse-autoencoder features say about a prompt, shared by the command line and the
 * language server: the active features of each token across the SAEs of a {@code SaeSet}
 * ({@link org.circuitscope.features.TokenFeatures}), each feature's promoted and suppressed tokens
 * through the unembed ({@link org.circuitscope.features.FeatureLogits}), and the place where a
 * corpus scan's feature contexts plug in ({@link org.circuitscope.features.CorpusFeatures}, read
 * from a scan folder by {@link org.circuitscope.features.ScanCorpusFeatures}).
 * Pure functions of activations and weights: nothing here runs the model or knows the editor.
 */
package org.circuitscope.features;

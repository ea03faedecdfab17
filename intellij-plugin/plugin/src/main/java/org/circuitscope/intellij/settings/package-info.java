/**
 * The plugin's settings (those of the VS Code extension: default model, annotation mode, top-k, memory budget, the
 * viewer, Java home), their page under Settings → Tools, and their mapping to the server's initializationOptions.
 */
package org.circuitscope.intellij.settings;

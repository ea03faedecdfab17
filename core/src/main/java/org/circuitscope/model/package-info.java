/**
 * The transformer: configuration in TransformerLens's fields, validated weights under
 * TransformerLens's state-dict names, the hooked forward pass and its activation cache.
 */
package org.circuitscope.model;

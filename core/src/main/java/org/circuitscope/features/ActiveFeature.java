package org.circuitscope.features;

import org.circuitscope.sae.FeatureId;

/** A feature active on a token: its id ({@code <sae>:<index>}) and activation (&gt; 0). */
public record ActiveFeature(FeatureId id, float activation) {}

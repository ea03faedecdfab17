package org.circuitscope.model;

/**
 * Makes a {@link Backend} for a model's weights, found by {@link java.util.ServiceLoader}
 * under {@code META-INF/services/org.circuitscope.model.BackendProvider}: core lists "simd",
 * the djl module "djl". A provider is cheap to create; {@link #open} puts the weights wherever
 * the backend computes (once per model).
 */
public interface BackendProvider {
    /** The name users select it by. */
    String name();

    /** A backend over {@code weights}; a clear exception when its engine cannot start. */
    Backend open(Weights weights);
}

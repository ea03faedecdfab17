package org.circuitscope.report;

import java.util.List;
import org.circuitscope.circuits.Interference;

/**
 * {@code interference}: per MLP layer, the distribution of cosines between neurons' write
 * directions and between their read directions ({@link Interference}), beside the same for
 * as many random directions; random directions have mean 0 and {@code dims_times_variance} 1.
 */
public record InterferenceReport(String model, int d_model, long seed, List<Interference.Layer> layers) {}

package org.circuitscope.report;

import org.circuitscope.circuits.MemoryManagement;

/**
 * {@code memory}: components whose mean output points against an earlier writer's
 * ({@link MemoryManagement}), over {@code windows} runs of the text.
 */
public record MemoryReport(String model, int windows, int skipped_per_window, MemoryManagement.Result result) {}

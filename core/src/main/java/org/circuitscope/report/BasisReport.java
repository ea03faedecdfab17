package org.circuitscope.report;

import java.util.ArrayList;
import java.util.List;
import org.circuitscope.circuits.BasisScan;
import org.circuitscope.circuits.PrivilegedBasis;

/**
 * {@code basis}: the privileged-basis test ({@link PrivilegedBasis}) on each activation of
 * {@link BasisScan}, over {@code samples} positions of {@code windows} runs of the text (each
 * window's first {@code skipped_per_window} positions left out).
 */
public record BasisReport(String model, int windows, int samples, int skipped_per_window, long seed, List<Entry> activations) {

    /**
     * One activation: excess kurtosis (0 for a Gaussian) per basis direction, its mean and max,
     * and the same after the random rotation; outliers exceed every rotated direction.
     */
    public record Entry(String kind, String name, int dims, double mean_kurtosis, double max_kurtosis, double rotated_mean_kurtosis,
                        double rotated_max_kurtosis, int constant_dims, List<PrivilegedBasis.Outlier> outliers, double[] kurtosis) {}

    public static BasisReport of(String model, int windows, int skipped, long seed, List<BasisScan.Entry> entries) {
        List<Entry> out = new ArrayList<>();
        int samples = entries.isEmpty() ? 0 : entries.get(0).result().samples();
        for (BasisScan.Entry e : entries) {
            PrivilegedBasis.Result r = e.result();
            out.add(new Entry(e.kind(), e.name(), r.dims(), r.mean(), r.max(), r.rotatedMean(), r.rotatedMax(), r.constant(), r.outliers(), r.kurtosis()));
        }
        return new BasisReport(model, windows, samples, skipped, seed, List.copyOf(out));
    }
}

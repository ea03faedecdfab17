package org.circuitscope.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector width of the SIMD kernels, read once from {@code -Dcircuitscope.vectorBits}
 * (llama3.java's habit): {@code 0} means the scalar kernels, {@code 128}, {@code 256} or
 * {@code 512} a species of that size, absent the platform's preferred one. A width wider than
 * the CPU's is narrowed to the CPU's: the Vector API would emulate it lane by lane, many times
 * slower than the scalar kernels. Constants, so that C2 folds every width test in the kernels.
 */
final class VectorWidth {
    static final String PROPERTY = "circuitscope.vectorBits";
    /** The bits asked for: 0 for scalar, otherwise a species size (the preferred one when not set). */
    static final int REQUESTED = parse(System.getProperty(PROPERTY));
    /** The species of the SIMD kernels (the preferred one when scalar was asked for, for tests that use SIMD directly). */
    static final VectorSpecies<Float> SPECIES = species(REQUESTED);

    private VectorWidth() {}

    /** True when {@code -Dcircuitscope.vectorBits=0} asked for the scalar kernels. */
    static boolean scalar() { return REQUESTED == 0; }

    static int parse(String value) {
        int preferred = VectorShape.preferredShape().vectorBitSize();
        if (value == null || value.isBlank()) return preferred;
        return switch (value.strip()) {
            case "0" -> 0;
            case "128" -> 128;
            case "256" -> 256;
            case "512" -> 512;
            default -> throw new IllegalArgumentException("-D" + PROPERTY + "=" + value
                    + " is not a vector width: use 0 (scalar kernels), 128, 256 or 512 (this CPU's widest is " + preferred + ")");
        };
    }

    static VectorSpecies<Float> species(int bits) {
        int usable = Math.min(bits == 0 ? Integer.MAX_VALUE : bits, VectorShape.preferredShape().vectorBitSize());
        return VectorSpecies.of(float.class, VectorShape.forBitSize(usable));
    }
}

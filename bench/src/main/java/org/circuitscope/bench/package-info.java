/**
 * JMH benchmarks of the core (matrix product, forward pass) and small timing mains used by
 * the side-by-side comparison scripts in {@code bench/}.
 */
package org.circuitscope.bench;

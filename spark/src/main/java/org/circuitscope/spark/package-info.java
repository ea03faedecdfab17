/**
 * The corpus scan ({@code org.circuitscope.scan}) as an Apache Spark job: documents partitioned
 * across executors, each executor JVM loading the model once, partials merged by Spark's
 * tree reduction and written by the same {@code ScanOutput} as the single-machine scan. Spark
 * stays in this module: the core and the server know nothing of it.
 */
package org.circuitscope.spark;

/**
 * The DJL backend: the model's forward pass on PyTorch through DJL, on a GPU when DJL sees one,
 * else on the CPU. {@link org.circuitscope.djl.DjlBackendProvider} ("djl") is found by core's
 * {@link org.circuitscope.model.BackendProvider} service; {@link org.circuitscope.djl.DjlBackend}
 * keeps one model's weights on the device ({@link org.circuitscope.djl.DeviceWeights}, uploaded
 * once), runs full, incremental (over device-side keys and values, {@link
 * org.circuitscope.djl.DeviceKeyValues}) and batched passes ({@link org.circuitscope.djl.DevicePass})
 * with the same hook points as core's SIMD pass, and brings activations to the heap only when
 * {@link org.circuitscope.model.RunOptions} records or hooks them.
 */
package org.circuitscope.djl;

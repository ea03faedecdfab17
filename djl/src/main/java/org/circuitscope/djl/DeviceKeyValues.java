package org.circuitscope.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.circuitscope.model.KeyValueCache;
import org.circuitscope.model.ModelConfig;

/**
 * Every layer's keys and values of a document's last pass, kept on the device beside its
 * {@link KeyValueCache} (which stays the truth: it holds the same rows on the heap for hovers),
 * so an edit's pass reads the earlier positions without uploading them again. Kept for the
 * few most recently edited documents; an evicted or stale one is rebuilt from the heap cache.
 */
final class DeviceKeyValues {
    /** Documents whose keys and values stay on the device. */
    private static final int KEEP = 8;

    private record Kept(NDManager owner, int[] tokens, NDArray[] keys, NDArray[] values) {}

    private final NDManager parent;
    private final ModelConfig cfg;
    private final Map<KeyValueCache, Kept> entries = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<KeyValueCache, Kept> e) {
            if (size() <= KEEP) return false;
            e.getValue().owner().close();
            return true;
        }
    };

    DeviceKeyValues(NDManager parent, ModelConfig cfg) {
        this.parent = parent;
        this.cfg = cfg;
    }

    /** Earlier keys and values of {@code tokens}' first {@code from} positions, {@code [1, n_kv_heads, from, d_head]} per layer, in {@code pass}. */
    synchronized NDArray[][] prefix(KeyValueCache kv, int[] tokens, int from, NDManager pass) {
        int layers = cfg.nLayers();
        NDArray[] k = new NDArray[layers], v = new NDArray[layers];
        Kept e = entries.get(kv);
        boolean onDevice = e != null && e.tokens.length >= from && Arrays.equals(e.tokens, 0, from, tokens, 0, from);
        int kvh = cfg.nKeyValueHeads(), dh = cfg.dHead();
        for (int l = 0; l < layers; l++) {
            if (onDevice) {
                k[l] = cut(e.keys[l], from, pass);
                v[l] = cut(e.values[l], from, pass);
            } else {
                k[l] = upload(kv.keys(l), from, kvh, dh, pass);
                v[l] = upload(kv.values(l), from, kvh, dh, pass);
            }
        }
        return new NDArray[][] {k, v};
    }

    private static NDArray cut(NDArray all, int from, NDManager pass) {
        NDArray c = all.get(":, :, :" + from + ", :");
        c.attach(pass);
        return c;
    }

    /** The heap cache's first rows [from, kv_heads · d_head] as [1, kv_heads, from, d_head]. */
    private static NDArray upload(float[] rows, int from, int kvh, int dh, NDManager pass) {
        return pass.create(Arrays.copyOf(rows, from * kvh * dh), new Shape(1, from, kvh, dh)).transpose(0, 2, 1, 3);
    }

    /** Keeps this pass's whole keys and values ({@code [1, n_kv_heads, t, d_head]}) for the document's next edit. */
    synchronized void keep(KeyValueCache kv, int[] tokens, NDArray[] keys, NDArray[] values) {
        NDManager owner = parent.newSubManager();
        for (NDArray a : keys) a.attach(owner);
        for (NDArray a : values) a.attach(owner);
        Kept old = entries.put(kv, new Kept(owner, tokens.clone(), keys, values));
        if (old != null) old.owner().close();
    }
}

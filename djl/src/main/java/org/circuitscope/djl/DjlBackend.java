package org.circuitscope.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.Backend;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.KeyValueCache;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.RunOptions;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Tensor;

/**
 * One model on PyTorch through DJL: its weights on the device (uploaded once, freed by {@link
 * #close}), passes in per-pass sub-managers (freed when the pass returns, whatever it
 * brought to the heap having been copied), and the device-side keys and values of the
 * documents last edited.
 */
public final class DjlBackend implements Backend {
    public static final String NAME = "djl";
    /** Bytes a batched pass may spend on its largest arrays (scores and logits) before the batch is split. */
    private static final long BATCH_BYTES = 1L << 30;

    private final ModelConfig cfg;
    private final NDManager manager;
    private final DeviceWeights weights;
    private final DeviceKeyValues documents;
    private final String device;

    DjlBackend(Weights w, Device device) {
        this.cfg = w.config();
        this.manager = NDManager.newBaseManager(device, "PyTorch");
        this.weights = new DeviceWeights(w, manager);
        this.documents = new DeviceKeyValues(manager, cfg);
        this.device = device.isGpu() ? "gpu(" + device.getDeviceId() + ")" : "cpu";
    }

    @Override public String name() { return NAME; }

    @Override public String device() { return device; }

    @Override
    public ActivationCache run(int[] tokens, RunOptions opt) {
        try (NDManager pass = manager.newSubManager()) {
            DevicePass p = new DevicePass(weights, pass, opt, 0, tokens.length, new int[] {tokens.length}, () -> {});
            DevicePass.Rows rows = p.run(new int[][] {tokens}, null, null);
            Map<String, Tensor> rec = p.recorded().get(0);
            Tensor logits = rec.containsKey(HookPoint.LOGITS) ? rec.get(HookPoint.LOGITS)
                    : Tensor.of(rows.logits().toFloatArray(), tokens.length, cfg.dVocab());
            return ActivationCache.of(tokens, rec, logits);
        }
    }

    @Override
    public Map<String, Tensor> extend(KeyValueCache.Writer out, int[] tokens, RunOptions opt, Runnable checkpoint) {
        int from = out.from(), t = tokens.length;
        try (NDManager pass = manager.newSubManager()) {
            NDArray[][] prefix = from == 0 ? new NDArray[][] {null, null} : documents.prefix(out.kv(), tokens, from, pass);
            DevicePass p = new DevicePass(weights, pass, opt, from, t, new int[] {t}, checkpoint);
            DevicePass.Rows rows = p.run(new int[][] {tokens}, prefix[0], prefix[1]);
            for (int l = 0; l < cfg.nLayers(); l++) {
                out.keys(l, rows.keys()[l].toFloatArray());
                out.values(l, rows.values()[l].toFloatArray());
                out.queries(l, rows.queries()[l].toFloatArray());
                out.z(l, rows.z()[l].toFloatArray());
            }
            if (rows.finalScale() != null) out.finalScale(rows.finalScale().toFloatArray());
            out.logits(rows.logits().toFloatArray());
            documents.keep(out.kv(), tokens, rows.keysAll(), rows.valuesAll());
            return p.recorded().get(0);
        }
    }

    /**
     * Prompts of one length class run as one padded batch (split where scores and logits would
     * pass {@link #BATCH_BYTES}); with hooks, one at a time, since a hook sees one prompt.
     */
    @Override
    public List<ActivationCache> runBatch(List<int[]> prompts, RunOptions opt) {
        if (!opt.hooks().isEmpty() || prompts.size() < 2) return Backend.super.runBatch(prompts, opt);
        List<ActivationCache> out = new ArrayList<>(prompts.size());
        int start = 0;
        while (start < prompts.size()) {
            int end = start, t = 0;
            while (end < prompts.size()) {
                int tt = Math.max(t, prompts.get(end).length);
                long bytes = 4L * (end - start + 1) * tt * ((long) cfg.nHeads() * tt + cfg.dVocab());
                if (end > start && bytes > BATCH_BYTES) break;
                t = tt;
                end++;
            }
            out.addAll(batch(prompts.subList(start, end), t, opt));
            start = end;
        }
        return out;
    }

    private List<ActivationCache> batch(List<int[]> prompts, int t, RunOptions opt) {
        int b = prompts.size(), v = cfg.dVocab();
        int[] lengths = new int[b];
        int[][] padded = new int[b][];
        for (int i = 0; i < b; i++) {
            lengths[i] = prompts.get(i).length;
            padded[i] = Arrays.copyOf(prompts.get(i), t); // padded with token 0, which only padded rows read
        }
        try (NDManager pass = manager.newSubManager()) {
            DevicePass p = new DevicePass(weights, pass, opt, 0, t, lengths, () -> {});
            NDArray logits = p.run(padded, null, null).logits();
            List<ActivationCache> out = new ArrayList<>(b);
            for (int i = 0; i < b; i++) {
                Map<String, Tensor> rec = p.recorded().get(i);
                Tensor li = rec.get(HookPoint.LOGITS);
                // Each prompt's own rows straight off the device: the padded [B, t, d_vocab] never lands on the heap.
                if (li == null) li = Tensor.of(logits.get(i).get(":" + lengths[i]).toFloatArray(), lengths[i], v);
                out.add(ActivationCache.of(prompts.get(i), rec, li));
            }
            return out;
        }
    }

    @Override
    public void close() { manager.close(); }
}

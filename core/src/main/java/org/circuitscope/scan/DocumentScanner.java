package org.circuitscope.scan;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.circuitscope.circuits.HeadDetectors;
import org.circuitscope.circuits.HeadDetectors.Detector;
import org.circuitscope.circuits.LogitDirection;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.LogitOps;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.RunOptions;
import org.circuitscope.model.Transformer;
import org.circuitscope.sae.Sae;
import org.circuitscope.sae.SaeSet;
import org.circuitscope.sae.SparseFeatures;
import org.circuitscope.tensor.Kernels;
import org.circuitscope.tensor.Tensor;
import org.circuitscope.tokenizer.Tokenizer;

/**
 * Scans one document into a {@link ScanPartial}.
 *
 * <p><b>Windows.</b> The document's tokens x₀ … x_{n−1} (no BOS) are cut into windows of
 * W = {@link ScanSpec#tokensPerWindow()} tokens starting every {@code stride} tokens,
 * x[s, min(s + W, n)), each run with BOS in front when {@code prependBos}; the last window
 * ends at the document's end (it may be shorter). Positions are those of the document's
 * <i>stream</i>: BOS x₀ x₁ … with BOS (BOS at 0), else x₀ x₁ …
 *
 * <p><b>Which window predicts a token.</b> Each stream token t ≥ 1 is predicted once, in the
 * first window that holds both it and its predecessor: the one where it has the most left
 * context. Window k thus predicts the tokens after the previous window's last one. Without BOS
 * and with stride = W, a window's first token has no predecessor in it and is predicted
 * nowhere (as in every non-overlapping chunking).
 *
 * <p><b>What is summed.</b> Per window: the three {@link HeadDetectors} scores of each head on
 * that window (the corpus score is the mean over windows). Per predicted token t, at its
 * destination p = t − 1: the loss −ln softmax(logits[p])[x_t]; each head's attention entropy
 * −Σ_k A[p,k] ln A[p,k] and its direct logit attribution to x_t (its {@code hook_result} at p
 * dotted with the direction of {@link LogitDirection}, final LayerNorm scale frozen, as in
 * {@code DirectLogitAttribution}); the head's top examples by that attribution and each MLP
 * neuron's top examples by {@code hook_post} at p. The last stream token is never a destination;
 * the prepended BOS is one for the means but never an example (its activations are the same in
 * every document, so it would fill the lists with copies of itself).
 *
 * <p><b>SAE features.</b> With SAEs in the spec (loaded once, here), each SAE encodes its hook
 * point's activation at every destination p of a predicted token ({@link Sae#encodeSparse}, row
 * by row independent), and each active feature adds its activation to its count, sums, maximum
 * and histogram bin and offers the context to its top list. A destination on a window's BOS
 * (input 0: the document's first window, and with BOS and no overlap each window's first
 * prediction) is left out here: SAEs are trained without BOS, whose activation never varies.
 *
 * <p>{@link #scan} is not thread-safe (it caches token texts): one scanner per thread, the
 * model shared. The single-machine runner runs a document's windows on several threads and
 * folds them in window order, which gives the same partial as {@link #scan}.
 */
public final class DocumentScanner {
    private static final java.time.Duration KERNEL_SWITCH_WAIT = java.time.Duration.ofMinutes(2);
    private final Transformer model;
    private final Tokenizer tokenizer;
    private final ModelConfig cfg;
    private final ScanSpec spec;
    private final int bos;
    private final RunOptions hooks;
    private final String[] labels;
    private final List<Sae> saes;
    private final double[] binEdges;

    public DocumentScanner(LoadedModel model, ScanSpec spec) {
        // Every window on the compiled SIMD kernels: the scalar ones that answer until then round
        // differently, and a scan whose first windows ran on them would not repeat bit for bit
        // (nor agree with another executor's). The race has its own time limit, well below this.
        Kernels.awaitCompiled(KERNEL_SWITCH_WAIT);
        this.model = model.transformer();
        this.cfg = model.config();
        this.spec = spec;
        this.tokenizer = model.tokenizer().orElseThrow(() -> new IllegalArgumentException(model.dir() + " has no tokenizer.json; a scan reads text"));
        spec.check(cfg);
        if (spec.prependBos()) {
            this.bos = tokenizer.bosId().orElseThrow(() -> new IllegalArgumentException(
                    tokenizer.source() + " names no BOS token; scan without BOS (--no-bos)"));
        } else {
            this.bos = -1;
        }
        List<String> names = new ArrayList<>();
        for (int l = 0; l < cfg.nLayers(); l++) {
            names.add(HookPoint.attn(l, "pattern"));
            names.add(HookPoint.attn(l, "result"));
            if (!cfg.attnOnly()) names.add(HookPoint.mlp(l, "post"));
        }
        if (cfg.normalizationType() != Normalization.NONE) names.add(HookPoint.LN_FINAL_SCALE);
        this.saes = loadSaes(spec, cfg);
        for (Sae sae : saes) if (!names.contains(sae.config().hookName())) names.add(sae.config().hookName());
        this.binEdges = spec.featureBins().lowerEdges();
        this.hooks = RunOptions.names(names);
        this.labels = new String[cfg.dVocab()];
    }

    private static List<Sae> loadSaes(ScanSpec spec, ModelConfig cfg) {
        if (spec.saes().isEmpty()) return List.of();
        try {
            return SaeSet.load(spec.saes().stream().map(Path::of).toList(), cfg).saes();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read an SAE of the scan: " + e.getMessage(), e);
        }
    }

    /** The SAEs whose features this scan collects, in the spec's order. */
    public List<Sae> saes() { return saes; }

    /** The document's stream: its tokens, with BOS in front when the spec prepends it. */
    public int[] stream(CorpusDocument doc) {
        int[] ids = tokenizer.encode(doc.text()).ids();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] >= cfg.dVocab()) {
                throw new IllegalArgumentException(doc.id() + ": token id " + ids[i] + " at token " + i + " is outside the model's d_vocab " + cfg.dVocab());
            }
        }
        if (bos < 0) return ids;
        int[] s = new int[ids.length + 1];
        s[0] = bos;
        System.arraycopy(ids, 0, s, 1, ids.length);
        return s;
    }

    /** The document's partial aggregate (a fresh {@link ScanPartial} holding this one document). */
    public ScanPartial scan(CorpusDocument doc) {
        int[] stream = stream(doc);
        Accumulator acc = new Accumulator(doc.id(), stream);
        for (Window w : windows(stream)) acc.add(scanWindow(stream, w));
        return acc.finish();
    }

    /**
     * One window: its first document token {@code start} and the stream positions of the targets
     * it predicts, {@code first} … {@code last}.
     */
    record Window(int start, int first, int last) {}

    /** The windows of a stream (only those that predict something), in order. */
    List<Window> windows(int[] stream) {
        int off = bos < 0 ? 0 : 1; // stream position of document token 0
        int n = stream.length - off, w = spec.tokensPerWindow();
        List<Window> out = new ArrayList<>();
        int lastPredicted = 0;
        for (int s = 0; ; s += spec.stride()) {
            int e = Math.min(s + w, n);
            // Input position j is stream position s + j (j = 0 with BOS and s > 0 is an extra BOS that no target uses).
            int first = Math.max(lastPredicted, s) + 1, last = s + (e - s + off) - 1;
            if (first <= last) {
                out.add(new Window(s, first, last));
                lastPredicted = last;
            }
            if (e >= n) break;
        }
        return out;
    }

    /** What one window adds: sums over its own predicted tokens and its own top candidates. */
    static final class WindowPart {
        final double[] previousToken, duplicateToken, induction, entropy, dla;
        final double[] nats;
        final Candidates heads, neurons;
        /** Per SAE, the active features of the destinations {@code featureFrom} … (stream positions, consecutive). */
        SparseFeatures[] features;
        int featureFrom;

        WindowPart(int heads, int units, int k, int predicted) {
            previousToken = new double[heads];
            duplicateToken = new double[heads];
            induction = new double[heads];
            entropy = new double[heads];
            dla = new double[heads];
            nats = new double[predicted];
            this.heads = new Candidates(heads, k);
            this.neurons = new Candidates(units, k);
        }
    }

    /** Runs one window. Thread-safe: windows of one document may run on several threads at once. */
    WindowPart scanWindow(int[] stream, Window win) {
        int nh = cfg.nHeads(), nl = cfg.nLayers(), d = cfg.dModel(), v = cfg.dVocab();
        int dMlp = cfg.attnOnly() ? 0 : cfg.dMlp();
        int off = bos < 0 ? 0 : 1, s = win.start();
        int[] input = Arrays.copyOfRange(stream, s, win.last() + 1);
        if (off == 1) input[0] = bos;
        WindowPart part = new WindowPart(nl * nh, nl * dMlp, spec.topK(), win.last() - win.first() + 1);
        ActivationCache c = model.run(input, hooks);
        addScores(part.previousToken, HeadDetectors.score(cfg, c, Detector.PREVIOUS_TOKEN));
        addScores(part.duplicateToken, HeadDetectors.score(cfg, c, Detector.DUPLICATE_TOKEN));
        addScores(part.induction, HeadDetectors.score(cfg, c, Detector.INDUCTION));
        float[] logits = c.logits().data();
        float[] scale = cfg.normalizationType() != Normalization.NONE ? c.get(HookPoint.LN_FINAL_SCALE).data() : null;
        int len = input.length;
        float[][] pattern = new float[nl][], result = new float[nl][], post = new float[nl][];
        for (int l = 0; l < nl; l++) {
            pattern[l] = c.get(HookPoint.attn(l, "pattern")).data();
            result[l] = c.get(HookPoint.attn(l, "result")).data();
            if (dMlp > 0) post[l] = c.get(HookPoint.mlp(l, "post")).data();
        }
        encodeFeatures(part, c, win);
        for (int t = win.first(); t <= win.last(); t++) {
            int j = t - 1 - s, target = stream[t], dest = t - 1;
            // The prepended BOS reads the same input in every document: as an example it would only repeat itself.
            boolean example = !(dest == 0 && bos >= 0);
            part.nats[t - win.first()] = LogitOps.logSumExp(logits, j * v, v) - logits[j * v + target];
            LogitDirection dir = LogitDirection.of(model.weights(), scale == null ? 1.0 : scale[j], target, -1);
            for (int l = 0; l < nl; l++) {
                for (int h = 0; h < nh; h++) {
                    int u = l * nh + h;
                    part.entropy[u] += entropy(pattern[l], (h * len + j) * len, j + 1);
                    double dla = dir.dot(result[l], (j * nh + h) * d);
                    part.dla[u] += dla;
                    if (example) part.heads.offer(u, dla, dest);
                }
                if (example) for (int k = 0; k < dMlp; k++) part.neurons.offer(l * dMlp + k, post[l][j * dMlp + k], dest);
            }
        }
        return part;
    }

    /** Each SAE's sparse features at the window's destinations, those on the window's BOS left out. */
    private void encodeFeatures(WindowPart part, ActivationCache c, Window win) {
        part.features = new SparseFeatures[saes.size()];
        int from = win.first() - 1, to = win.last() - 1; // destinations, stream positions
        if (bos >= 0 && from == win.start()) from++; // that destination is the window's BOS (input 0), not the document's token
        part.featureFrom = from;
        int rows = Math.max(0, to - from + 1), j0 = from - win.start();
        for (int k = 0; k < saes.size(); k++) {
            Sae sae = saes.get(k);
            Tensor x = c.get(sae.config().hookName());
            int width = x.size() / x.dim(0);
            float[] slice = new float[rows * width];
            System.arraycopy(x.data(), j0 * width, slice, 0, slice.length);
            part.features[k] = rows == 0 ? new SparseFeatures(new int[0][], new float[0][]) : sae.encodeSparse(Tensor.of(slice, rows, width));
        }
    }

    /**
     * Folds a document's window parts, in window order, into its partial: the same sums in the
     * same order however many threads ran the windows.
     */
    final class Accumulator {
        private final String id;
        private final int[] stream;
        private final ScanPartial p = ScanPartial.empty(cfg, spec);
        private final Candidates heads, neurons;
        private final List<double[]> nats = new ArrayList<>();
        private int predicted;
        private final FeatureStats[] features;
        /** Per SAE, the document's best contexts of each feature that fired (most never do in one document). */
        private final List<Map<Integer, Candidates>> featureTop = new ArrayList<>();

        Accumulator(String id, int[] stream) {
            this.id = id;
            this.stream = stream;
            int units = cfg.nLayers() * (cfg.attnOnly() ? 0 : cfg.dMlp());
            heads = new Candidates(cfg.nLayers() * cfg.nHeads(), spec.topK());
            neurons = new Candidates(units, spec.topK());
            features = new FeatureStats[saes.size()];
            for (int k = 0; k < saes.size(); k++) {
                Sae sae = saes.get(k);
                features[k] = new FeatureStats(sae.name(), sae.config().hookName(), sae.config().dSae(), binEdges.length, spec.topK());
                featureTop.add(new HashMap<>());
            }
        }

        void add(WindowPart w) {
            p.windows++;
            add(p.previousTokenSum, w.previousToken);
            add(p.duplicateTokenSum, w.duplicateToken);
            add(p.inductionSum, w.induction);
            add(p.entropySum, w.entropy);
            add(p.dlaSum, w.dla);
            heads.merge(w.heads);
            neurons.merge(w.neurons);
            nats.add(w.nats);
            predicted += w.nats.length;
            for (int k = 0; k < features.length; k++) addFeatures(features[k], featureTop.get(k), w.features[k], w.featureFrom);
        }

        /** Rows in position order, so an equal activation never displaces an earlier position. */
        private void addFeatures(FeatureStats st, Map<Integer, Candidates> top, SparseFeatures f, int from) {
            st.tokens += f.positions();
            for (int r = 0; r < f.positions(); r++) {
                int[] idx = f.index()[r];
                float[] val = f.value()[r];
                for (int q = 0; q < idx.length; q++) {
                    double a = val[q];
                    st.add(idx[q], a, ScanSpec.FeatureBins.bin(binEdges, a));
                    top.computeIfAbsent(idx[q], i -> new Candidates(1, spec.topK())).offer(0, a, from + r);
                }
            }
        }

        private static void add(double[] into, double[] x) {
            for (int i = 0; i < into.length; i++) into[i] += x[i];
        }

        ScanPartial finish() {
            double lossSum = 0;
            double[] bits = new double[predicted];
            int i = 0;
            for (double[] a : nats) {
                for (double x : a) {
                    lossSum += x;
                    bits[i++] = x / Math.log(2);
                }
            }
            p.predicted = predicted;
            p.lossSum = lossSum;
            p.addDocument(new DocumentRow(id, stream.length, predicted, predicted == 0 ? Double.NaN : lossSum / predicted, DocumentRow.Surprisal.of(bits)));
            heads.into(p.headTop, id, stream, DocumentScanner.this);
            neurons.into(p.neuronTop, id, stream, DocumentScanner.this);
            for (int k = 0; k < features.length; k++) {
                FeatureStats st = features[k];
                featureTop.get(k).forEach((feature, cand) -> cand.into(new TopList[] {st.top[feature]}, id, stream, DocumentScanner.this));
                p.features(st);
            }
            return p;
        }
    }

    private static void addScores(double[] sum, double[][] scores) {
        int nh = scores.length == 0 ? 0 : scores[0].length;
        for (int l = 0; l < scores.length; l++) for (int h = 0; h < nh; h++) sum[l * nh + h] += scores[l][h];
    }

    private static double entropy(float[] a, int off, int n) {
        double h = 0;
        for (int k = 0; k < n; k++) {
            double p = a[off + k];
            if (p > 0) h -= p * Math.log(p);
        }
        return h;
    }

    private String label(int id) {
        String s = labels[id];
        if (s == null) labels[id] = s = tokenizer.label(id);
        return s;
    }

    /**
     * A document's best (score, position) per unit, best first; positions arrive in increasing
     * order, so an equal score never displaces an earlier position (the list order's tie-break).
     */
    static final class Candidates {
        private final int k;
        private final double[] score;
        private final int[] pos, size;

        Candidates(int units, int k) {
            this.k = k;
            score = new double[units * k];
            pos = new int[units * k];
            size = new int[units];
        }

        void offer(int unit, double x, int position) {
            if (k == 0 || Double.isNaN(x)) return;
            int base = unit * k, n = size[unit];
            if (n == k && x <= score[base + k - 1]) return;
            int i = Math.min(n, k - 1);
            while (i > 0 && score[base + i - 1] < x) {
                score[base + i] = score[base + i - 1];
                pos[base + i] = pos[base + i - 1];
                i--;
            }
            score[base + i] = x;
            pos[base + i] = position;
            if (n < k) size[unit] = n + 1;
        }

        /** Offers every candidate of {@code later}, whose positions all come after this one's. */
        void merge(Candidates later) {
            for (int u = 0; u < size.length; u++) {
                for (int i = 0; i < later.size[u]; i++) offer(u, later.score[u * k + i], later.pos[u * k + i]);
            }
        }

        void into(TopList[] lists, String doc, int[] stream, DocumentScanner texts) {
            for (int u = 0; u < size.length; u++) {
                for (int i = 0; i < size[u]; i++) lists[u].add(texts.example(score[u * k + i], doc, pos[u * k + i], stream));
            }
        }
    }

    private TopExample example(double score, String doc, int p, int[] stream) {
        int from = Math.max(0, p - spec.contextLeft()), to = Math.min(stream.length - 1, p + spec.contextRight());
        List<String> texts = new ArrayList<>(to - from + 1);
        for (int i = from; i <= to; i++) texts.add(label(stream[i]));
        return new TopExample(score, doc, p, stream[p], p + 1 < stream.length ? stream[p + 1] : -1, texts, p - from);
    }

    /** For tests and the Spark job's logs: the spec this scanner runs. */
    public ScanSpec spec() { return spec; }

}

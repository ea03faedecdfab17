package org.circuitscope.scan;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.circuitscope.model.ModelConfig;

/**
 * A scan's aggregate over some documents: float64 sums and counts (means are taken only at the
 * end, so partials merge by addition), one row per document, and the top-K examples of every
 * head and MLP neuron. {@link #merge} is associative and commutative: rows are kept by document
 * id, top lists under a total order; the sums agree to float64 rounding in any order, exactly
 * in the same order.
 *
 * <p>Mutable: {@link #merge} adds {@code other} into this and returns this, as a Spark
 * aggregation buffer does. A partial holds every head's and neuron's list, so keep one per
 * worker and merge documents into it rather than keeping one per document.
 *
 * <p>Head sums are indexed {@code layer · n_heads + head}, neuron lists {@code layer · d_mlp + neuron}.
 */
public final class ScanPartial implements Serializable {
    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();

    private final int nLayers, nHeads, dMlp, topK;
    /** Windows run; the detector scores are summed per window. */
    long windows;
    final double[] previousTokenSum, duplicateTokenSum, inductionSum;
    /** Predicted tokens; entropy, direct logit attribution and loss are summed per predicted token. */
    long predicted;
    final double[] entropySum, dlaSum;
    double lossSum;
    private final TreeMap<String, DocumentRow> documents = new TreeMap<>();
    final TopList[] headTop, neuronTop;

    private ScanPartial(int nLayers, int nHeads, int dMlp, int topK) {
        this.nLayers = nLayers;
        this.nHeads = nHeads;
        this.dMlp = dMlp;
        this.topK = topK;
        int heads = nLayers * nHeads;
        previousTokenSum = new double[heads];
        duplicateTokenSum = new double[heads];
        inductionSum = new double[heads];
        entropySum = new double[heads];
        dlaSum = new double[heads];
        headTop = new TopList[heads];
        for (int i = 0; i < heads; i++) headTop[i] = new TopList(topK);
        neuronTop = new TopList[nLayers * dMlp];
        for (int i = 0; i < neuronTop.length; i++) neuronTop[i] = new TopList(topK);
    }

    /** The empty aggregate for this model and spec (no neuron lists for attention-only models). */
    public static ScanPartial empty(ModelConfig cfg, ScanSpec spec) {
        return new ScanPartial(cfg.nLayers(), cfg.nHeads(), cfg.attnOnly() ? 0 : cfg.dMlp(), spec.topK());
    }

    /** Adds {@code other} into this; returns this. */
    public ScanPartial merge(ScanPartial other) {
        if (other.nLayers != nLayers || other.nHeads != nHeads || other.dMlp != dMlp || other.topK != topK) {
            throw new IllegalArgumentException("cannot merge scan partials of different shapes: " + shape() + " and " + other.shape());
        }
        windows += other.windows;
        predicted += other.predicted;
        lossSum += other.lossSum;
        add(previousTokenSum, other.previousTokenSum);
        add(duplicateTokenSum, other.duplicateTokenSum);
        add(inductionSum, other.inductionSum);
        add(entropySum, other.entropySum);
        add(dlaSum, other.dlaSum);
        for (DocumentRow r : other.documents.values()) addDocument(r);
        for (int i = 0; i < headTop.length; i++) headTop[i].merge(other.headTop[i]);
        for (int i = 0; i < neuronTop.length; i++) neuronTop[i].merge(other.neuronTop[i]);
        return this;
    }

    void addDocument(DocumentRow r) {
        if (documents.putIfAbsent(r.id(), r) != null) {
            throw new IllegalArgumentException("document '" + r.id() + "' is in both scan partials; each document must be scanned once");
        }
    }

    private static void add(double[] into, double[] x) {
        for (int i = 0; i < into.length; i++) into[i] += x[i];
    }

    private String shape() { return nLayers + "×" + nHeads + " heads, d_mlp " + dMlp + ", top " + topK; }

    public int nLayers() { return nLayers; }
    public int nHeads() { return nHeads; }
    /** 0 for attention-only models: no neurons. */
    public int dMlp() { return dMlp; }
    public int topK() { return topK; }
    public long windows() { return windows; }
    public long predicted() { return predicted; }
    public double lossSum() { return lossSum; }

    /** Mean over windows of the per-window detector score ({@code HeadDetectors.score} on the window). */
    public double previousToken(int layer, int head) { return previousTokenSum[layer * nHeads + head] / windows; }
    public double duplicateToken(int layer, int head) { return duplicateTokenSum[layer * nHeads + head] / windows; }
    public double induction(int layer, int head) { return inductionSum[layer * nHeads + head] / windows; }
    /** Mean over predicted tokens of the destination row's attention entropy, nats. */
    public double attentionEntropy(int layer, int head) { return entropySum[layer * nHeads + head] / predicted; }
    /** Mean over predicted tokens of the head's direct contribution to the actual next token's logit. */
    public double directLogitAttribution(int layer, int head) { return dlaSum[layer * nHeads + head] / predicted; }

    /** Rows in document-id order. */
    public List<DocumentRow> documents() { return new ArrayList<>(documents.values()); }

    public List<TopExample> headExamples(int layer, int head) { return headTop[layer * nHeads + head].items(); }

    public List<TopExample> neuronExamples(int layer, int neuron) {
        if (dMlp == 0) throw new IllegalArgumentException("an attention-only model has no MLP neurons");
        return neuronTop[layer * dMlp + neuron].items();
    }

    /** The partial as JSON (doubles round-trip exactly), for shard files and shipping between processes. */
    public String toJson() { return GSON.toJson(this); }

    public static ScanPartial fromJson(String json) {
        try {
            ScanPartial p = GSON.fromJson(json, ScanPartial.class);
            if (p == null || p.headTop == null) throw new IllegalArgumentException("not a scan partial");
            return p;
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("malformed scan partial: " + e.getMessage(), e);
        }
    }
}

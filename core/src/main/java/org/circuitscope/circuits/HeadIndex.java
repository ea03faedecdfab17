package org.circuitscope.circuits;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.circuitscope.model.ModelConfig;

/**
 * One attention head, zero-based, as TransformerLens labels it: {@code L1H6} (or {@code 1.6}).
 */
public record HeadIndex(int layer, int head) {
    private static final Pattern LH = Pattern.compile("[Ll](\\d{1,6})[Hh](\\d{1,6})");
    private static final Pattern DOT = Pattern.compile("(\\d{1,6})\\.(\\d{1,6})");

    public String label() { return ModelConfig.headLabel(layer, head); }

    /** Parses {@code L1H6} or {@code 1.6}; an error names the valid range when the head is not in {@code cfg}. */
    public static HeadIndex parse(String label, ModelConfig cfg) {
        String s = label.strip();
        Matcher m = LH.matcher(s);
        if (!m.matches()) m = DOT.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + label + "' is not a head label; write L{layer}H{head} (e.g. L1H6) or {layer}.{head}, "
                    + range(cfg));
        }
        int l = Integer.parseInt(m.group(1)), h = Integer.parseInt(m.group(2));
        if (l >= cfg.nLayers() || h >= cfg.nHeads()) {
            throw new IllegalArgumentException("head " + label.toUpperCase(Locale.ROOT) + " does not exist: " + range(cfg));
        }
        return new HeadIndex(l, h);
    }

    /** Comma-separated labels, duplicates dropped, in the order given. */
    public static List<HeadIndex> parseList(String csv, ModelConfig cfg) {
        LinkedHashSet<HeadIndex> out = new LinkedHashSet<>();
        for (String part : csv.split(",")) {
            if (part.isBlank()) continue;
            out.add(parse(part, cfg));
        }
        if (out.isEmpty()) throw new IllegalArgumentException("no heads given; " + range(cfg));
        return new ArrayList<>(out);
    }

    private static String range(ModelConfig cfg) {
        if (cfg.nLayers() == 0) return "the model has no layers and so no heads";
        return "layers are 0–" + (cfg.nLayers() - 1) + " and heads 0–" + (cfg.nHeads() - 1) + " (L0H0 … "
                + ModelConfig.headLabel(cfg.nLayers() - 1, cfg.nHeads() - 1) + ")";
    }
}

package org.circuitscope.engine;

import java.util.Locale;

/** What the inlay hints after each token show. */
public enum AnnotationMode {
    OFF("off"), SURPRISAL("surprisal"), TOP_HEAD("top-head"), TOP_SOURCE("top-source"),
    /** The token's strongest sparse-autoencoder feature ({@code <sae>:<index>}) and its activation. */
    TOP_FEATURE("top-feature");

    private final String id;

    AnnotationMode(String id) { this.id = id; }

    public String id() { return id; }

    /** Parses {@code off | surprisal | top-head | top-source | top-feature}; null when it is none of them. */
    public static AnnotationMode parse(String s) {
        if (s == null) return null;
        String k = s.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (AnnotationMode m : values()) if (m.id.equals(k)) return m;
        return null;
    }
}

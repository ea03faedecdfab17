package org.circuitscope.model;

/** TransformerLens's {@code positional_embedding_type}: a learned W_pos added to the embedding, or rotary (RoPE) applied to queries and keys. */
public enum PositionalEmbedding {
    STANDARD("standard"), ROTARY("rotary");

    private final String tlName;

    PositionalEmbedding(String tlName) { this.tlName = tlName; }

    public String tlName() { return tlName; }

    public static PositionalEmbedding parse(String s) {
        if (s == null || s.isEmpty()) return STANDARD;
        for (PositionalEmbedding p : values()) if (p.tlName.equals(s)) return p;
        throw new IllegalArgumentException("positional_embedding_type '" + s + "' is not supported; use standard or rotary");
    }
}

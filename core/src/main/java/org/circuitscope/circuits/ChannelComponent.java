package org.circuitscope.circuits;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.circuitscope.model.ModelConfig;

/**
 * A component that writes to or reads from the residual stream, named as users write it:
 * {@code embed}, {@code pos_embed}, a head {@code L1H0} (read through {@code :q}, {@code :k} or
 * {@code :v}), an MLP {@code MLP0}. Order in the stream: embeddings first; in layer l, heads
 * then the MLP (which reads resid_mid, after the heads), unless the block is parallel (GPT-NeoX)
 * and both halves read resid_pre.
 *
 * @param input for a reader head, which of its inputs ('q', 'k' or 'v'); 0 otherwise
 */
public record ChannelComponent(Kind kind, int layer, int head, char input) {

    public enum Kind { EMBED, POS_EMBED, HEAD, MLP }

    private static final Pattern HEAD = Pattern.compile("L(\\d+)H(\\d+)(?::([qkv]))?", Pattern.CASE_INSENSITIVE);
    private static final Pattern MLP = Pattern.compile("MLP(\\d+)", Pattern.CASE_INSENSITIVE);

    /** Parses a writer ({@code embed}, {@code pos_embed}, {@code L0H1}, {@code MLP0}) or reader ({@code L1H0:q}, {@code MLP1}). */
    public static ChannelComponent parse(String s, ModelConfig c, boolean reader) {
        String t = s.trim();
        String what = reader ? "reader" : "writer";
        if (!reader && t.equalsIgnoreCase("embed")) return new ChannelComponent(Kind.EMBED, -1, -1, (char) 0);
        if (!reader && t.equalsIgnoreCase("pos_embed")) {
            if (c.rotary()) throw new IllegalArgumentException(c.modelName() + " has rotary positions: there is no pos_embed writing to the residual stream");
            return new ChannelComponent(Kind.POS_EMBED, -1, -1, (char) 0);
        }
        Matcher h = HEAD.matcher(t);
        if (h.matches()) {
            int l = Integer.parseInt(h.group(1)), hd = Integer.parseInt(h.group(2));
            if (l >= c.nLayers() || hd >= c.nHeads()) {
                throw new IllegalArgumentException("no head " + t + " in " + c.modelName() + " (" + c.nLayers() + " layers × " + c.nHeads() + " heads, zero-based)");
            }
            if (reader && h.group(3) == null) throw new IllegalArgumentException("reader " + t + ": say which input it reads with, " + t + ":q, :k or :v");
            if (!reader && h.group(3) != null) throw new IllegalArgumentException("writer " + t + ": a head writes through W_O; drop the :" + h.group(3));
            return new ChannelComponent(Kind.HEAD, l, hd, reader ? h.group(3).toLowerCase(Locale.ROOT).charAt(0) : (char) 0);
        }
        Matcher m = MLP.matcher(t);
        if (m.matches()) {
            int l = Integer.parseInt(m.group(1));
            if (c.attnOnly()) throw new IllegalArgumentException(c.modelName() + " is attention-only: it has no " + t);
            if (l >= c.nLayers()) throw new IllegalArgumentException("no " + t + " in " + c.modelName() + " (" + c.nLayers() + " layers, zero-based)");
            return new ChannelComponent(Kind.MLP, l, -1, (char) 0);
        }
        throw new IllegalArgumentException("cannot read " + what + " '" + s + "': use " + (reader ? "L1H0:q, L1H0:k, L1H0:v or MLP1" : "embed, pos_embed, L0H1 or MLP0"));
    }

    /** The label users wrote: embed, pos_embed, L0H1, L1H0:q, MLP0. */
    public String label() {
        return switch (kind) {
            case EMBED -> "embed";
            case POS_EMBED -> "pos_embed";
            case HEAD -> ModelConfig.headLabel(layer, head) + (input == 0 ? "" : ":" + input);
            case MLP -> "MLP" + layer;
        };
    }

    /**
     * Whether this writer's output reaches {@code reader}'s input: embeddings reach everything;
     * a head of layer l reaches layers after l and, in sequential blocks, the MLP of layer l; an MLP
     * of layer l reaches layers after l.
     */
    public boolean reaches(ChannelComponent reader, ModelConfig c) {
        if (kind == Kind.EMBED || kind == Kind.POS_EMBED) return true;
        if (reader.layer > layer) return true;
        return reader.layer == layer && kind == Kind.HEAD && reader.kind == Kind.MLP && !c.architecture().parallelAttnMlp();
    }
}

package org.circuitscope.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/** MLP activation, spelled as TransformerLens's {@code act_fn}. */
public enum ActFn {
    GELU_NEW("gelu_new"), GELU("gelu"), RELU("relu"), SILU("silu");

    private final String tlName;

    ActFn(String tlName) { this.tlName = tlName; }

    public String tlName() { return tlName; }

    /** Parses a TransformerLens or Hugging Face spelling ("gelu_new", "gelu", "relu", "silu"; Hugging Face's "swish" is silu). */
    public static ActFn parse(String s) {
        if ("swish".equalsIgnoreCase(s)) return SILU;
        for (ActFn a : values()) if (a.tlName.equalsIgnoreCase(s)) return a;
        throw new IllegalArgumentException("act_fn '" + s + "' is not supported; use one of "
                + Arrays.stream(values()).map(ActFn::tlName).collect(Collectors.joining(", ")));
    }
}

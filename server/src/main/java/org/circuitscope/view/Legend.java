package org.circuitscope.view;

/** The colour key of a heatmap: swatches drawn as the cells are, for a few values. */
final class Legend {
    private Legend() {}

    /** The attention key: weights 0 … 1 at opacity √weight ({@link Heatmap#opacity}). */
    static String attention() {
        return svg(new double[] {0, 0.05, 0.25, 0.5, 1}, Heatmap::opacity);
    }

    /** Swatches for {@code values} with their opacities. */
    static String svg(double[] values, java.util.function.DoubleUnaryOperator opacity) {
        StringBuilder b = new StringBuilder("<svg class=\"legend\" width=\"").append(values.length * 64 + 10)
                .append("\" height=\"24\" xmlns=\"http://www.w3.org/2000/svg\">");
        for (int i = 0; i < values.length; i++) {
            int x = i * 64;
            b.append("<rect class=\"cell swatch\" x=\"").append(x).append("\" y=\"4\" width=\"16\" height=\"16\" fill-opacity=\"")
                    .append(Num.fixed(opacity.applyAsDouble(values[i]), 3)).append("\"/><rect class=\"frame\" x=\"").append(x)
                    .append("\" y=\"4\" width=\"16\" height=\"16\"/><text class=\"axis\" x=\"").append(x + 20)
                    .append("\" y=\"12\" dominant-baseline=\"middle\">").append(Num.coord(values[i])).append("</text>");
        }
        return b.append("</svg>").toString();
    }
}

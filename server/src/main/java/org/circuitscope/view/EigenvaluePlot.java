package org.circuitscope.view;

import java.util.List;

/**
 * The paper's eigenvalue picture of a circuit: its eigenvalues λ as points in the complex plane,
 * real axis across, imaginary up, one symmetric scale (the values are unit-free), blue where
 * Re λ ≥ 0 (copying) and red where Re λ &lt; 0.
 */
final class EigenvaluePlot {
    private EigenvaluePlot() {}

    /** {@code eigenvalues} as {re, im}; {@code title} names the circuit (it heads the plot with Σλ / Σ|λ|). */
    static String svg(String title, List<double[]> eigenvalues, int size) {
        double max = 0, sum = 0, abs = 0;
        for (double[] z : eigenvalues) {
            max = Math.max(max, Math.max(Math.abs(z[0]), Math.abs(z[1])));
            sum += z[0];
            abs += Math.hypot(z[0], z[1]);
        }
        double r = max == 0 ? 1 : max * 1.1, top = 22, plot = size - top - 4, c = size / 2.0, cy = top + plot / 2;
        String head = title + ": " + eigenvalues.size() + " eigenvalues, Σλ / Σ|λ| = " + Num.fixed(abs == 0 ? 0 : sum / abs);
        StringBuilder b = new StringBuilder("<svg class=\"eigenvalues\" role=\"img\" width=\"").append(size).append("\" height=\"").append(size)
                .append("\" viewBox=\"0 0 ").append(size).append(' ').append(size).append("\" xmlns=\"http://www.w3.org/2000/svg\" data-scale=\"")
                .append(Num.fixed(r, 6)).append("\"><title>").append(Html.escape(head)).append("</title>");
        b.append("<text class=\"axis\" x=\"").append(Num.coord(c)).append("\" y=\"14\" text-anchor=\"middle\">").append(Html.escape(head)).append("</text>");
        b.append("<line class=\"zero\" x1=\"4\" x2=\"").append(size - 4).append("\" y1=\"").append(Num.coord(cy)).append("\" y2=\"").append(Num.coord(cy)).append("\"/>");
        b.append("<line class=\"zero\" x1=\"").append(Num.coord(c)).append("\" x2=\"").append(Num.coord(c)).append("\" y1=\"").append(Num.coord(top))
                .append("\" y2=\"").append(size - 4).append("\"/>");
        b.append("<text class=\"axis\" x=\"").append(size - 6).append("\" y=\"").append(Num.coord(cy - 4)).append("\" text-anchor=\"end\">Re</text>");
        b.append("<text class=\"axis\" x=\"").append(Num.coord(c + 4)).append("\" y=\"").append(Num.coord(top + 10)).append("\">Im</text>");
        for (double[] z : eigenvalues) {
            double x = c + z[0] / r * plot / 2, y = cy - z[1] / r * plot / 2;
            String tip = "λ = " + Num.fixed(z[0], 4) + (z[1] >= 0 ? " + " : " − ") + Num.fixed(Math.abs(z[1]), 4) + "i";
            b.append("<circle class=\"eig ").append(z[0] >= 0 ? "pos" : "neg").append("\" cx=\"").append(Num.coord(x)).append("\" cy=\"")
                    .append(Num.coord(y)).append("\" r=\"3\" data-re=\"").append(Num.fixed(z[0], 6)).append("\" data-im=\"").append(Num.fixed(z[1], 6))
                    .append("\"><title>").append(Html.escape(tip)).append("</title></circle>");
        }
        return b.append("</svg>").toString();
    }
}

package org.circuitscope.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import org.circuitscope.circuits.ChannelComponent;
import org.circuitscope.circuits.VirtualWeights;

/**
 * {@code virtual-weights}: the virtual weight matrix W_out(writer)·W_in(reader)
 * ({@link VirtualWeights}), as its shape (kept factored through d_model), its Frobenius norm,
 * that norm over ‖W_out‖·‖W_in‖, its singular values and the top singular directions.
 *
 * @param shape           [rows (writer's inner dim), middle (d_model), columns (reader's inner dim)]
 * @param writer_space    what the rows index: "d_head", "neuron", "token" or "position"
 * @param singular_values all of them, descending
 */
public record VirtualWeightsReport(String model, String writer, String reader, int[] shape, String writer_space, String reader_space,
                                   double frobenius_norm, double relative_norm, double[] singular_values, List<Direction> directions) {

    /** A coordinate of a singular vector; {@code label} names it (a token's text for the embedding). */
    public record Coordinate(int index, String label, double value) {}

    public record Direction(double singular_value, List<Coordinate> writer, List<Coordinate> reader) {}

    /** {@code tokenText} labels the rows of the embedding writer. */
    public static VirtualWeightsReport of(String model, VirtualWeights.Result r, IntFunction<String> tokenText) {
        List<Direction> dirs = new ArrayList<>();
        String ws = space(r.writer()), rs = space(r.reader());
        for (VirtualWeights.Direction d : r.top()) {
            dirs.add(new Direction(d.singularValue(), coords(d.writer(), ws, tokenText), coords(d.reader(), rs, tokenText)));
        }
        int[] shape = {r.matrix().ldim(), r.matrix().mdim(), r.matrix().rdim()};
        return new VirtualWeightsReport(model, r.writer().label(), r.reader().label(), shape, ws, rs, r.norm(), r.relativeNorm(),
                Arrays.copyOf(r.singularValues(), r.singularValues().length), List.copyOf(dirs));
    }

    private static String space(ChannelComponent c) {
        return switch (c.kind()) { case EMBED -> "token"; case POS_EMBED -> "position"; case HEAD -> "d_head"; case MLP -> "neuron"; };
    }

    private static List<Coordinate> coords(List<VirtualWeights.Coordinate> cs, String space, IntFunction<String> tokenText) {
        List<Coordinate> out = new ArrayList<>();
        for (VirtualWeights.Coordinate c : cs) {
            String label = switch (space) { case "token" -> tokenText.apply(c.index()); case "position" -> "pos " + c.index(); case "neuron" -> "n" + c.index(); default -> "e" + c.index(); };
            out.add(new Coordinate(c.index(), label, c.value()));
        }
        return List.copyOf(out);
    }
}

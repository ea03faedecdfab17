package org.circuitscope.io;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Matrices transposed straight out of a file's mapping, band by band: the same dtype and
 * elements as the transpose of the matrix read whole, for every stored dtype a weight may have,
 * kept 16-bit or read as float32, at sizes off the bands and tiles.
 */
class TransposedReadTest {
    @TempDir Path tmp;

    @Test
    void aTransposedReadEqualsTheTransposeOfTheWholeRead() throws Exception {
        SplittableRandom rnd = new SplittableRandom(8);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        int[][] sizes = {{1, 5}, {70, 33}, {130, 7}, {64, 64}, {200, 97}};
        for (int[] sz : sizes) {
            float[] v = new float[sz[0] * sz[1]];
            for (int i = 0; i < v.length; i++) v[i] = (float) rnd.nextGaussian();
            tensors.put("m" + sz[0] + "x" + sz[1], Tensor.of(v, sz));
        }
        for (String dtype : new String[] {"F32", "BF16", "F16"}) {
            Path file = tmp.resolve(dtype + ".safetensors");
            SafeTensorsWriter.write(file, tensors, Map.of(), dtype);
            try (SafeTensors st = SafeTensors.open(file)) {
                for (String name : tensors.keySet()) {
                    for (WeightsDtype mode : WeightsDtype.values()) {
                        Tensor want = HeadRows.transpose(st.readWeight(name, mode));
                        Tensor got = st.readWeightTransposed(name, mode);
                        String where = dtype + " " + name + " " + mode;
                        assertEquals(want.dtype(), got.dtype(), where + ": dtype");
                        assertArrayEquals(want.shape(), got.shape(), where + ": shape");
                        if (want.dtype().sixteenBit()) assertArrayEquals(want.bits(), got.bits(), where);
                        else assertArrayEquals(want.data(), got.data(), 0f, where);
                    }
                }
                var e = assertThrows(IllegalArgumentException.class, () -> st.readWeightTransposed("missing", WeightsDtype.KEEP));
                assertTrue(e.getMessage().contains("no tensor 'missing'"), e.getMessage());
            }
        }
    }
}

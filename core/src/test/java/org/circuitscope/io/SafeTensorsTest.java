package org.circuitscope.io;

import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.circuitscope.io.SafeTensorsFiles.assemble;
import static org.circuitscope.io.SafeTensorsFiles.concat;
import static org.circuitscope.io.SafeTensorsFiles.f32le;
import static org.circuitscope.io.SafeTensorsFiles.u16le;
import static org.circuitscope.io.SafeTensorsFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafeTensorsTest {
    @TempDir
    Path dir;

    @Test
    void handAssembledFileReadsInOffsetOrderWithShapesValuesAndMetadata() throws IOException {
        // Header order differs from data order; the 0-byte tensor sits between the others; the
        // header length (not a multiple of 8) leaves the data unaligned.
        String json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[4,28]},"
                + "\"__metadata__\":{\"format\":\"pt\",\"note\":\"hand made\"},"
                + "\"empty\":{\"dtype\":\"F32\",\"shape\":[0,4],\"data_offsets\":[4,4]},"
                + "\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}";
        float[] w = {1.5f, -2f, 0.25f, 1e-30f, 3e30f, Float.NEGATIVE_INFINITY};
        Path file = write(dir, "hand.safetensors", assemble(json, concat(f32le(7.75f), f32le(w))));

        try (SafeTensors st = SafeTensors.open(file)) {
            assertEquals(List.of("s", "empty", "w"), st.names(), "names must follow data offsets");
            assertEquals(Map.of("format", "pt", "note", "hand made"), st.metadata());
            assertEquals(new TensorInfo("w", "F32", new int[] {2, 3}, 4, 28), st.info("w"));
            assertEquals(6, st.info("w").numel());

            Tensor tw = st.read("w");
            assertArrayEquals(new int[] {2, 3}, tw.shape());
            assertArrayEquals(w, tw.data(), "F32 values as assembled");
            Tensor ts = st.read("s");
            assertEquals(0, ts.rank(), "scalar keeps shape []");
            assertEquals(7.75f, ts.data()[0]);
            assertArrayEquals(new int[] {0, 4}, st.read("empty").shape());
            assertEquals(0, st.read("empty").size());
        }
    }

    @Test
    void segmentIsTheRawLittleEndianBytesOfTheTensor() throws IOException {
        String json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[4,8]}}";
        byte[] data = concat(f32le(1f), u16le(0x3C00, 0xC000));
        Path file = write(dir, "raw.safetensors", assemble(json, data));
        try (SafeTensors st = SafeTensors.open(file)) {
            MemorySegment b = st.segment("b");
            assertEquals(4, b.byteSize());
            assertArrayEquals(new byte[] {0x00, 0x3C, 0x00, (byte) 0xC0}, b.toArray(ValueLayout.JAVA_BYTE));
            assertTrue(b.isReadOnly(), "slices of a read-only mapping must stay read-only");
        }
    }

    @Test
    void f32RoundTripIsBitExactAndKeepsOrderShapesAndMetadata() throws IOException {
        Random rnd = new Random(1);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("blocks.0.attn.W_Q", randomTensor(rnd, 3, 5, 7));
        tensors.put("embed.W_E", randomTensor(rnd, 11, 4));
        tensors.put("ln_final.b", Tensor.of(new float[] {Float.NaN, -0f, Float.MIN_VALUE, Float.MAX_VALUE}, 4));
        tensors.put("scalar", Tensor.of(new float[] {42f}));
        tensors.put("big", randomTensor(rnd, 300_000)); // more than one 1 MiB write chunk
        Path file = dir.resolve("rt32.safetensors");
        SafeTensorsWriter.write(file, tensors, Map.of("format", "pt"));

        assertEquals(0, (readHeaderLength(file) + 8) % 8, "data section must start 8-byte aligned");
        try (SafeTensors st = SafeTensors.open(file)) {
            assertEquals(List.copyOf(tensors.keySet()), st.names());
            assertEquals(Map.of("format", "pt"), st.metadata());
            for (var e : tensors.entrySet()) {
                Tensor back = st.read(e.getKey());
                assertArrayEquals(e.getValue().shape(), back.shape(), e.getKey() + " shape");
                float[] want = e.getValue().data();
                float[] got = back.data();
                for (int i = 0; i < want.length; i++) {
                    int at = i;
                    assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
                            () -> e.getKey() + "[" + at + "]: wrote " + want[at] + ", read " + got[at]);
                }
            }
        }
    }

    @Test
    void f16RoundTripRoundsToNearestEvenHalf() throws IOException {
        Random rnd = new Random(2);
        float[] x = new float[4000];
        for (int i = 0; i < x.length; i++) {
            // Magnitudes from deep subnormal half (2^-26) to beyond the half range (2^17).
            x[i] = (float) (rnd.nextGaussian() * Math.pow(2, rnd.nextInt(44) - 26));
        }
        float[] special = {0f, -0f, 65504f, 65519.99f, 65520f, -70000f, 1f + 0x1p-11f, 1f + 0x3p-11f, 0x1p-25f,
                0x1.8p-25f, Float.POSITIVE_INFINITY};
        System.arraycopy(special, 0, x, 0, special.length);
        Path file = dir.resolve("rt16.safetensors");
        SafeTensorsWriter.write(file, Map.of("x", Tensor.of(x, 40, 100)), null, "F16");

        try (SafeTensors st = SafeTensors.open(file)) {
            assertEquals("F16", st.info("x").dtype());
            assertEquals(8000, st.info("x").byteSize());
            assertTrue(st.metadata().isEmpty());
            float[] got = st.read("x").data();
            for (int i = 0; i < x.length; i++) {
                double want = roundToHalf(x[i]);
                assertEquals(want, got[i], 0.0, "x[" + i + "] = " + x[i] + " should round to half " + want);
                assertEquals(Float.float16ToFloat(Float.floatToFloat16(x[i])), got[i], 0.0, "x[" + i + "] vs JDK");
                if (Math.abs(x[i]) >= 0x1p-14 && Math.abs(x[i]) <= 65504) {
                    assertTrue(Math.abs(got[i] - x[i]) <= Math.abs(x[i]) * 0x1p-11,
                            "x[" + i + "] = " + x[i] + " read " + got[i] + ": error beyond 2^-11 relative");
                }
            }
        }
    }

    @Test
    void everyF16BitPatternDecodes() throws IOException {
        int[] bits = new int[65536];
        for (int i = 0; i < bits.length; i++) bits[i] = i;
        String json = "{\"h\":{\"dtype\":\"F16\",\"shape\":[256,256],\"data_offsets\":[0,131072]}}";
        Path file = write(dir, "allf16.safetensors", assemble(json, u16le(bits)));
        try (SafeTensors st = SafeTensors.open(file)) {
            float[] got = st.read("h").data();
            for (int b = 0; b < 65536; b++) {
                assertDecoded(decodeMinifloat(b, 5, 10), got[b], "F16 0x" + Integer.toHexString(b));
            }
        }
    }

    @Test
    void everyBf16BitPatternDecodes() throws IOException {
        int[] bits = new int[65536];
        for (int i = 0; i < bits.length; i++) bits[i] = i;
        String json = "{\"g\":{\"dtype\":\"BF16\",\"shape\":[65536],\"data_offsets\":[0,131072]}}";
        Path file = write(dir, "allbf16.safetensors", assemble(json, u16le(bits)));
        try (SafeTensors st = SafeTensors.open(file)) {
            float[] got = st.read("g").data();
            for (int b = 0; b < 65536; b++) {
                assertDecoded(decodeMinifloat(b, 8, 7), got[b], "BF16 0x" + Integer.toHexString(b));
            }
        }
    }

    @Test
    void integerTokenTensorsReadAsFloats() throws IOException {
        String json = "{\"tokens\":{\"dtype\":\"I64\",\"shape\":[3],\"data_offsets\":[0,24]},"
                + "\"pos\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[24,32]}}";
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(32).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putLong(50256).putLong(-1).putLong(1L << 24).putInt(7).putInt(-123456);
        Path file = write(dir, "tokens.safetensors", assemble(json, b.array()));
        try (SafeTensors st = SafeTensors.open(file)) {
            assertArrayEquals(new float[] {50256f, -1f, 16777216f}, st.read("tokens").data());
            assertArrayEquals(new float[] {7f, -123456f}, st.read("pos").data());
        }
    }

    @Test
    void readingAnUnsupportedDtypeNamesDtypeTensorAndFile() throws IOException {
        String json = "{\"d\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}";
        Path file = write(dir, "double.safetensors", assemble(json, new byte[8]));
        try (SafeTensors st = SafeTensors.open(file)) {
            assertEquals("F64", st.info("d").dtype(), "F64 is listed even though read() refuses it");
            SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> st.read("d"));
            String m = e.getMessage();
            assertTrue(m.contains("dtype F64 of tensor 'd'") && m.contains(file.toString())
                    && m.contains("not supported") && m.contains("F32, F16, BF16"), m);
            assertEquals("d", e.tensor());
            assertEquals(file, e.file());
            assertEquals(8, st.segment("d").byteSize(), "raw bytes stay reachable through segment()");
        }
    }

    @Test
    void absentTensorIsAnIllegalArgumentNamingFileAndTensor() throws IOException {
        Path file = dir.resolve("one.safetensors");
        SafeTensorsWriter.write(file, Map.of("a", Tensor.of(new float[] {1}, 1)), Map.of());
        try (SafeTensors st = SafeTensors.open(file)) {
            assertFalse(st.contains("nope"));
            assertTrue(st.contains("a"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> st.info("nope"));
            assertTrue(e.getMessage().contains("'nope'") && e.getMessage().contains(file.toString()), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> st.read("nope"));
        }
    }

    @Test
    void closeIsIdempotentAndLaterReadsFailClearly() throws IOException {
        Path file = dir.resolve("closed.safetensors");
        SafeTensorsWriter.write(file, Map.of("a", Tensor.of(new float[] {1, 2}, 2)), null);
        SafeTensors st = SafeTensors.open(file);
        MemorySegment seg = st.segment("a");
        st.close();
        st.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> st.read("a"));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> seg.get(ValueLayout.JAVA_BYTE, 0),
                "a segment must not outlive the mapping");
    }

    @Test
    void writerReplacesAnExistingFileAndLeavesNoTemporaries() throws IOException {
        Path file = dir.resolve("over.safetensors");
        SafeTensorsWriter.write(file, Map.of("a", Tensor.of(new float[] {1, 2, 3}, 3)), null);
        SafeTensorsWriter.write(file, Map.of("b", Tensor.of(new float[] {4}, 1)), null);
        try (SafeTensors st = SafeTensors.open(file); var listing = Files.list(dir)) {
            assertEquals(List.of("b"), st.names());
            assertEquals(List.of(file), listing.toList());
        }
    }

    @Test
    void writerRejectsTheMetadataNameAndUnknownDtypes() {
        Path file = dir.resolve("bad.safetensors");
        Map<String, Tensor> t = Map.of("__metadata__", Tensor.of(new float[] {1}, 1));
        assertThrows(IllegalArgumentException.class, () -> SafeTensorsWriter.write(file, t, null));
        Map<String, Tensor> ok = Map.of("a", Tensor.of(new float[] {1}, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SafeTensorsWriter.write(file, ok, null, "F64"));
        assertTrue(e.getMessage().contains("F64"), e.getMessage());
        assertFalse(Files.exists(file));
    }

    // ---- independent references ----

    /** Nearest-even half value of x, by rounding x/ulp in double (exact: ulp is a power of two). */
    static double roundToHalf(float x) {
        if (Float.isInfinite(x) || Float.isNaN(x)) return x;
        double ax = Math.abs((double) x);
        if (ax == 0) return x;
        int e = Math.max(Math.getExponent(ax), -14); // below 2^-14 halves are subnormal, ulp 2^-24
        double ulp = Math.scalb(1.0, e - 10);
        double r = Math.rint(ax / ulp) * ulp;
        if (r > 65504) r = Double.POSITIVE_INFINITY;
        return Math.copySign(r, x);
    }

    /** Value of an IEEE-style binary float with the given exponent and mantissa widths. */
    static double decodeMinifloat(int bits, int expBits, int manBits) {
        int sign = (bits >>> (expBits + manBits)) & 1;
        int exp = (bits >>> manBits) & ((1 << expBits) - 1);
        int man = bits & ((1 << manBits) - 1);
        int bias = (1 << (expBits - 1)) - 1;
        double v;
        if (exp == (1 << expBits) - 1) v = man == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        else if (exp == 0) v = man * Math.scalb(1.0, 1 - bias - manBits);
        else v = (1 + man * Math.scalb(1.0, -manBits)) * Math.scalb(1.0, exp - bias);
        return sign == 1 ? -v : v;
    }

    private static void assertDecoded(double want, float got, String what) {
        if (Double.isNaN(want)) {
            assertTrue(Float.isNaN(got), what + " should be NaN, read " + got);
        } else {
            assertEquals(want, got, 0.0, what);
            assertEquals(Math.copySign(1.0, want), Math.copySign(1.0f, got), 0.0, what + " sign");
        }
    }

    private static Tensor randomTensor(Random rnd, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = (float) rnd.nextGaussian();
        return t;
    }

    private static long readHeaderLength(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        return java.nio.ByteBuffer.wrap(b, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    }
}

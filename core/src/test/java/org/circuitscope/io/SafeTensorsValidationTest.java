package org.circuitscope.io;

import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.circuitscope.io.SafeTensorsFiles.assemble;
import static org.circuitscope.io.SafeTensorsFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Malformed files, each built byte by byte, must fail at open with a message naming file and fault. */
class SafeTensorsValidationTest {
    @TempDir
    Path dir;

    /** One F32 tensor "t" of shape [2] in 8 data bytes: the base most cases damage in one place. */
    private static String entry(String name, String dtype, String shape, String offsets) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}";
    }

    private SafeTensorsException assertFault(String fileName, byte[] bytes, String... keywords) throws IOException {
        Path file = write(dir, fileName, bytes);
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> {
            try (SafeTensors st = SafeTensors.open(file)) {
                fail("opened a malformed file: " + st.names());
            }
        });
        String m = e.getMessage();
        assertTrue(m.contains(file.toString()), "message should name the file: " + m);
        for (String k : keywords) assertTrue(m.contains(k), "message should say '" + k + "': " + m);
        assertEquals(file, e.file());
        return e;
    }

    private SafeTensorsException assertHeaderFault(String fileName, String json, int dataBytes, String... keywords)
            throws IOException {
        return assertFault(fileName, assemble(json, new byte[dataBytes]), keywords);
    }

    @Test
    void emptyAndTinyFilesAreTooShort() throws IOException {
        assertFault("empty.safetensors", new byte[0], "0 bytes long", "too short");
        assertFault("five.safetensors", new byte[5], "5 bytes long", "too short");
    }

    @Test
    void headerLengthBeyondTheFileIsReported() throws IOException {
        byte[] json = ("{" + entry("t", "F32", "[2]", "[0,8]") + "}").getBytes(StandardCharsets.UTF_8);
        assertFault("lying.safetensors", assemble(json.length + 100, json, new byte[8]),
                "header length field says " + (json.length + 100), "only " + (json.length + 8) + " bytes follow");
    }

    @Test
    void absurdHeaderLengthIsRejectedWithoutAllocating() throws IOException {
        assertFault("huge.safetensors", assemble(-1L, new byte[16], new byte[0]), "18446744073709551615", "limit");
        assertFault("big.safetensors", assemble(1L << 40, new byte[16], new byte[0]), "1099511627776", "limit");
    }

    @Test
    void headerLengthCuttingTheJsonShortIsInvalidJson() throws IOException {
        byte[] json = ("{" + entry("t", "F32", "[2]", "[0,8]") + "}").getBytes(StandardCharsets.UTF_8);
        assertFault("short-header.safetensors", assemble(json.length - 5, json, new byte[8]), "not valid JSON");
    }

    @Test
    void nonJsonNonObjectAndNonUtf8HeadersAreRejected() throws IOException {
        assertHeaderFault("garbage.safetensors", "PK\u0003\u0004 not json at all", 0, "not valid JSON");
        assertHeaderFault("array.safetensors", "[1,2,3]", 0, "not an object");
        assertHeaderFault("blank.safetensors", "        ", 0, "empty");
        assertHeaderFault("trailing-json.safetensors", "{} {}", 0, "not valid JSON", "column 5");
        assertHeaderFault("lenient.safetensors", "{t:{dtype:F32,shape:[2],data_offsets:[0,8]}}", 8, "not valid JSON");
        byte[] bad = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '{', '}', '}'};
        assertFault("latin.safetensors", assemble(bad.length, bad, new byte[0]), "not valid UTF-8", "header offset 2");
    }

    @Test
    void deeplyNestedHeaderFailsCleanlyInsteadOfOverflowingTheStack() throws IOException {
        String deep = "{\"t\":" + "[".repeat(200_000) + "]".repeat(200_000) + "}";
        assertHeaderFault("deep.safetensors", deep, 0, "not valid JSON");
    }

    @Test
    void truncatedDataIsReportedForTheTensorThatRunsPastTheEnd() throws IOException {
        String json = "{" + entry("a", "F32", "[2]", "[0,8]") + "," + entry("b", "F32", "[4]", "[8,24]") + "}";
        SafeTensorsException e = assertHeaderFault("cut.safetensors", json, 20, "tensor 'b'", "past the end",
                "holds 20 bytes", "truncated");
        assertEquals("b", e.tensor());
    }

    @Test
    void everyTruncationOfAValidFileIsRejected() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("a", Tensor.of(new float[] {1, 2, 3}, 3));
        tensors.put("b", Tensor.of(new float[] {4, 5}, 2, 1));
        Path good = dir.resolve("good.safetensors");
        SafeTensorsWriter.write(good, tensors, Map.of("k", "v"));
        byte[] bytes = Files.readAllBytes(good);
        for (int n = 0; n < bytes.length; n++) {
            Path cut = write(dir, "cut" + n + ".safetensors", Arrays.copyOf(bytes, n));
            SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.open(cut).close(),
                    "file cut to " + n + " of " + bytes.length + " bytes");
            assertTrue(e.getMessage().contains(cut.toString()), e.getMessage());
        }
    }

    @Test
    void overlappingRangesNameBothTensors() throws IOException {
        String json = "{" + entry("a", "F32", "[2]", "[0,8]") + "," + entry("b", "F32", "[2]", "[4,12]") + "}";
        assertHeaderFault("overlap.safetensors", json, 12, "'a' [0, 8)", "'b' [4, 12)", "overlap");
    }

    @Test
    void duplicatedRangesOverlap() throws IOException {
        String json = "{" + entry("a", "F32", "[2]", "[0,8]") + "," + entry("b", "F32", "[2]", "[0,8]") + "}";
        assertHeaderFault("same.safetensors", json, 8, "overlap");
    }

    @Test
    void offsetsOutsideTheFileAreReported() throws IOException {
        String json = "{" + entry("far", "F32", "[2]", "[1000000,1000008]") + "}";
        assertHeaderFault("far.safetensors", json, 8, "tensor 'far'", "past the end");
    }

    @Test
    void gapsAndTrailingBytesAreRejectedBecauseDataMustBeContiguous() throws IOException {
        String gap = "{" + entry("a", "F32", "[1]", "[0,4]") + "," + entry("b", "F32", "[1]", "[8,12]") + "}";
        assertHeaderFault("gap.safetensors", gap, 12, "[4, 8)", "'b'", "contiguous");
        String lead = "{" + entry("a", "F32", "[1]", "[4,8]") + "}";
        assertHeaderFault("lead.safetensors", lead, 8, "[0, 4)", "contiguous");
        String tail = "{" + entry("a", "F32", "[1]", "[0,4]") + "}";
        assertHeaderFault("tail.safetensors", tail, 12, "8 trailing bytes");
    }

    @Test
    void shapeThatDoesNotMatchTheBytesIsReported() throws IOException {
        String json = "{" + entry("m", "F32", "[2,3]", "[0,20]") + "}";
        assertHeaderFault("mismatch.safetensors", json, 20, "tensor 'm'", "6 elements of F32 (24 bytes)",
                "span 20 bytes", "does not match");
    }

    @Test
    void twoToTheFortyElementsAreRejectedWithoutAllocating() throws IOException {
        String json = "{" + entry("huge", "F32", "[1048576,1048576]", "[0,16]") + "}";
        assertHeaderFault("huge-shape.safetensors", json, 16, "tensor 'huge'", "1099511627776 elements",
                "4398046511104 bytes", "does not match");
    }

    @Test
    void shapesWhoseSizeOverflowsAreRejected() throws IOException {
        String json = "{" + entry("o", "F64", "[2147483647,2147483647,2147483647]", "[0,8]") + "}";
        assertHeaderFault("overflow.safetensors", json, 8, "tensor 'o'", "overflow");
        String big = "{" + entry("d", "F32", "[3000000000]", "[0,8]") + "}";
        assertHeaderFault("bigdim.safetensors", big, 8, "dimension 3000000000", "exceeds");
    }

    @Test
    void negativeDimensionsAndOffsetsAreRejected() throws IOException {
        assertHeaderFault("negdim.safetensors", "{" + entry("n", "F32", "[2,-3]", "[0,8]") + "}", 8,
                "tensor 'n'", "negative dimension -3");
        assertHeaderFault("negoff.safetensors", "{" + entry("n", "F32", "[2]", "[-8,0]") + "}", 8,
                "tensor 'n'", "negative data_offsets");
        assertHeaderFault("backwards.safetensors", "{" + entry("n", "F32", "[0]", "[8,0]") + "}", 8,
                "tensor 'n'", "backwards");
    }

    @Test
    void unknownDtypeIsNamed() throws IOException {
        assertHeaderFault("dtype.safetensors", "{" + entry("u", "F99", "[2]", "[0,8]") + "}", 8,
                "tensor 'u'", "unknown dtype \"F99\"", "BF16");
    }

    @ParameterizedTest(name = "missing {0}")
    @CsvSource({
            "dtype,        '{\"x\":{\"shape\":[2],\"data_offsets\":[0,8]}}'",
            "shape,        '{\"x\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}'",
            "data_offsets, '{\"x\":{\"dtype\":\"F32\",\"shape\":[2]}}'",
    })
    void missingFieldsAreNamed(String field, String json) throws IOException {
        SafeTensorsException e = assertHeaderFault("missing-" + field + ".safetensors", json, 8,
                "tensor 'x'", "missing \"" + field + "\"");
        assertEquals("x", e.tensor());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "dtype-number  | {\"x\":{\"dtype\":32,\"shape\":[2],\"data_offsets\":[0,8]}}       | \"dtype\" must be a string",
            "shape-string  | {\"x\":{\"dtype\":\"F32\",\"shape\":\"2\",\"data_offsets\":[0,8]}} | \"shape\" must be an array",
            "shape-float   | {\"x\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}} | must hold integers",
            "shape-nested  | {\"x\":{\"dtype\":\"F32\",\"shape\":[[2]],\"data_offsets\":[0,8]}} | must hold integers",
            "offsets-three | {\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4,8]}} | [begin, end]",
            "offsets-one   | {\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8]}}     | [begin, end]",
            "offsets-long  | {\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,100000000000000000000]}} | 64-bit integer range",
            "entry-dup     | {\"x\":{\"dtype\":\"F32\",\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,8]}} | \"dtype\" more than once",
            "offsets-big   | {\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,1e30]}} | 64-bit integer range",
            "entry-array   | {\"x\":[1,2]}                                                    | expected an object",
            "metadata-int  | {\"__metadata__\":{\"k\":1}}                                      | key 'k' maps to a number",
            "duplicate     | {\"x\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},\"x\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}} | more than once",
    })
    void wrongJsonTypesAreNamed(String label, String json, String keyword) throws IOException {
        assertHeaderFault(label + ".safetensors", json, 8, keyword);
    }

    @Test
    void hugeArraysInTheHeaderAreCutOffAtTheRankLimit() throws IOException {
        String json = "{\"x\":{\"dtype\":\"F32\",\"shape\":[" + "1,".repeat(2_000_000) + "1],\"data_offsets\":[0,4]}}";
        assertHeaderFault("rank.safetensors", json, 4, "tensor 'x'", "\"shape\" has more than 64 entries");
    }

    @Test
    void unknownEntryFieldsAreSkipped() throws IOException {
        String json = "{\"x\":{\"dtype\":\"F32\",\"quant\":{\"scale\":[1,2]},\"shape\":[1],\"data_offsets\":[0,4]}}";
        Path file = write(dir, "extra.safetensors", assemble(json, SafeTensorsFiles.f32le(2.5f)));
        try (SafeTensors st = SafeTensors.open(file)) {
            assertEquals(2.5f, st.read("x").data()[0]);
        }
    }

    @Test
    void wholeIntegralNumbersAreAcceptedAsIntegers() throws IOException {
        Path file = write(dir, "exp.safetensors",
                assemble("{" + entry("x", "F32", "[2.0]", "[0,8e0]") + "}", SafeTensorsFiles.f32le(1, 2)));
        try (SafeTensors st = SafeTensors.open(file)) {
            assertEquals(8, st.info("x").end());
        }
    }

    @Test
    void randomlyDamagedHeadersNeverFailWithAnythingButSafeTensorsException() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("blocks.0.attn.W_Q", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        tensors.put("b", Tensor.of(new float[] {7}, 1));
        Path good = dir.resolve("fuzz-base.safetensors");
        SafeTensorsWriter.write(good, tensors, Map.of("format", "pt"), "F16");
        byte[] base = Files.readAllBytes(good);
        int headerEnd = base.length - 14;
        Random rnd = new Random(3);
        int opened = 0;
        for (int trial = 0; trial < 300; trial++) {
            byte[] bytes = base.clone();
            for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
                int pos = rnd.nextInt(headerEnd);
                bytes[pos] = rnd.nextBoolean() ? (byte) rnd.nextInt(256) : (byte) "0123456789-[]{}\",:e".charAt(rnd.nextInt(19));
            }
            Path file = write(dir, "fuzz.safetensors", bytes);
            try (SafeTensors st = SafeTensors.open(file)) {
                opened++;
                for (String name : st.names()) {
                    try {
                        assertEquals(st.info(name).numel(), st.read(name).size());
                    } catch (SafeTensorsException e) {
                        assertTrue(e.getMessage().contains("not supported"), e.getMessage());
                    }
                }
            } catch (SafeTensorsException e) {
                assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
            }
        }
        assertTrue(opened < 300, "the damage should break most files");
    }
}

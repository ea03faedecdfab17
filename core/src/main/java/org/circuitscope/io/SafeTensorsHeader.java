package org.circuitscope.io;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses and validates the header of a mapped safetensors file. Everything a later read relies
 * on is checked here, once, so that {@link SafeTensors#read} can trust the offsets: a damaged
 * or hostile file fails with a {@link SafeTensorsException} naming the file, the tensor and the
 * fault, and never with an OutOfMemoryError, a hang or garbage values.
 *
 * <p>The JSON is read as a stream straight from the mapping (no header-sized char buffer, no
 * JSON tree, arrays bounded), so a 100 MB header of junk costs little more than its names.
 *
 * <p>Like the reference implementation, the tensors must cover the data section exactly: no
 * gaps, no overlaps, no trailing bytes. A hole could otherwise carry unrelated content (a
 * polyglot file), and every writer we know of writes the data contiguously. Unknown fields
 * inside a tensor entry are skipped, for writers that add their own.
 */
final class SafeTensorsHeader {
    /** Real headers are kilobytes to a few megabytes; the reference implementation caps at 100 MB too. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    /** More dimensions than any framework allows (PyTorch: 64); stops a huge shape array early. */
    static final int MAX_RANK = 64;

    static final String METADATA_KEY = "__metadata__";

    /** Bytes per element of every dtype the safetensors format defines with a whole-byte size. */
    private static final Map<String, Integer> DTYPE_SIZES = dtypeSizes();

    /** The validated header: tensors sorted by data offset, and the free-form metadata. */
    record Parsed(long dataStart, long dataLength, List<TensorInfo> tensors, Map<String, String> metadata) {}

    private SafeTensorsHeader() {}

    /** Bytes per element of {@code dtype}, or -1 when safetensors does not define it. */
    static int dtypeSize(String dtype) {
        return DTYPE_SIZES.getOrDefault(dtype, -1);
    }

    static Parsed parse(Path file, MemorySegment all) throws SafeTensorsException {
        long size = all.byteSize();
        if (size < 8) {
            throw fail(file, null, "the file is " + size + " bytes long, too short for the 8-byte header length"
                    + " that starts every safetensors file; it is truncated or not a safetensors file");
        }
        long headerLength = all.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
            throw fail(file, null, "the header length field says " + Long.toUnsignedString(headerLength)
                    + " bytes, more than the " + MAX_HEADER_BYTES + "-byte limit; the file is not a safetensors"
                    + " file or its first 8 bytes are damaged");
        }
        if (headerLength > size - 8) {
            throw fail(file, null, "the header length field says " + headerLength + " bytes but only " + (size - 8)
                    + " bytes follow it; the file is truncated or its header length is wrong");
        }
        MemorySegment header = all.asSlice(8, headerLength);
        checkUtf8(file, header);
        if (isBlank(header)) {
            throw fail(file, null, "the header is empty; it must be a JSON object describing the tensors");
        }
        long dataStart = 8 + headerLength;
        long dataLength = size - dataStart;

        List<TensorInfo> tensors = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonReader reader = new JsonReader(new InputStreamReader(new SegmentInputStream(header), StandardCharsets.UTF_8));
        reader.setStrictness(Strictness.STRICT);
        try {
            if (reader.peek() != JsonToken.BEGIN_OBJECT) {
                throw fail(file, null, "the header is JSON but not an object (it starts with " + reader.peek()
                        + "); it must map tensor names to {dtype, shape, data_offsets}");
            }
            Set<String> seen = new HashSet<>();
            reader.beginObject();
            while (reader.hasNext()) {
                String name = reader.nextName();
                if (!seen.add(name)) {
                    throw fail(file, name, "the header names '" + name + "' more than once");
                }
                if (name.equals(METADATA_KEY)) {
                    readMetadata(file, reader, metadata);
                } else {
                    tensors.add(readEntry(file, name, reader, dataLength));
                }
            }
            reader.endObject();
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw fail(file, null, "the header has content after its JSON object ends");
            }
        } catch (SafeTensorsException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new SafeTensorsException(file, null, "safetensors file " + file + ": the header is not valid JSON ("
                    + JsonProblem.describe(e) + "); the file is damaged or not a safetensors file", e);
        }
        // Ties (zero-size tensors) keep header order: List.sort is stable.
        tensors.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        checkCoverage(file, tensors, dataLength);
        return new Parsed(dataStart, dataLength, Collections.unmodifiableList(tensors),
                Collections.unmodifiableMap(metadata));
    }

    /** Validates in small chunks so the error can give the offending byte's position. */
    private static void checkUtf8(Path file, MemorySegment header) throws SafeTensorsException {
        ByteBuffer in = header.asByteBuffer();
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer out = CharBuffer.allocate(8192);
        CoderResult result;
        do {
            out.clear();
            result = decoder.decode(in, out, true);
        } while (result.isOverflow());
        if (!result.isError()) result = decoder.flush(out.clear());
        if (result.isError()) {
            throw fail(file, null, "the header is not valid UTF-8 (bad byte at header offset " + in.position()
                    + ", file offset " + (8 + in.position()) + "); the file is damaged or not a safetensors file");
        }
    }

    private static boolean isBlank(MemorySegment header) {
        for (long i = 0; i < header.byteSize(); i++) {
            byte b = header.get(ValueLayout.JAVA_BYTE, i);
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') return false;
        }
        return true;
    }

    private static void readMetadata(Path file, JsonReader reader, Map<String, String> metadata) throws IOException {
        if (reader.peek() != JsonToken.BEGIN_OBJECT) {
            throw fail(file, null, "\"" + METADATA_KEY + "\" must be a JSON object of strings, found " + describeNext(reader));
        }
        reader.beginObject();
        while (reader.hasNext()) {
            String key = reader.nextName();
            if (reader.peek() != JsonToken.STRING) {
                throw fail(file, null, "\"" + METADATA_KEY + "\" must map strings to strings, but key '" + key
                        + "' maps to " + describeNext(reader));
            }
            metadata.put(key, reader.nextString());
        }
        reader.endObject();
    }

    private static TensorInfo readEntry(Path file, String name, JsonReader reader, long dataLength) throws IOException {
        if (reader.peek() != JsonToken.BEGIN_OBJECT) {
            throw fail(file, name, "tensor '" + name + "': the header entry is " + describeNext(reader)
                    + ", expected an object with dtype, shape and data_offsets");
        }
        String dtype = null;
        long[] dims = null;
        long[] offsets = null;
        Set<String> fields = new HashSet<>();
        reader.beginObject();
        while (reader.hasNext()) {
            String field = reader.nextName();
            if (!fields.add(field)) {
                throw fail(file, name, "tensor '" + name + "': the header entry gives \"" + field + "\" more than once");
            }
            if (reader.peek() == JsonToken.NULL) {
                reader.nextNull(); // a null field counts as missing
                continue;
            }
            switch (field) {
                case "dtype" -> {
                    if (reader.peek() != JsonToken.STRING) {
                        throw fail(file, name, "tensor '" + name + "': \"dtype\" must be a string, found " + describeNext(reader));
                    }
                    dtype = reader.nextString();
                }
                case "shape" -> dims = readIntegers(file, name, "shape", reader, MAX_RANK);
                case "data_offsets" -> offsets = readIntegers(file, name, "data_offsets", reader, 2);
                default -> reader.skipValue();
            }
        }
        reader.endObject();

        if (dtype == null) throw missing(file, name, "dtype");
        if (dims == null) throw missing(file, name, "shape");
        if (offsets == null) throw missing(file, name, "data_offsets");
        return validate(file, name, dtype, dims, offsets, dataLength);
    }

    private static TensorInfo validate(Path file, String name, String dtype, long[] dims, long[] offsets, long dataLength)
            throws SafeTensorsException {
        int elementSize = dtypeSize(dtype);
        if (elementSize < 0) {
            throw fail(file, name, "tensor '" + name + "': unknown dtype \"" + dtype + "\"; safetensors dtypes are "
                    + String.join(", ", DTYPE_SIZES.keySet()));
        }
        String shapeText = Arrays.toString(dims);
        int[] shape = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw fail(file, name, "tensor '" + name + "': negative dimension " + dims[i] + " in shape " + shapeText);
            }
            if (dims[i] > Integer.MAX_VALUE) {
                throw fail(file, name, "tensor '" + name + "': dimension " + dims[i] + " in shape " + shapeText
                        + " exceeds " + Integer.MAX_VALUE);
            }
            shape[i] = (int) dims[i];
        }
        String offsetsText = Arrays.toString(offsets);
        if (offsets.length != 2) {
            throw fail(file, name, "tensor '" + name + "': \"data_offsets\" must be an array [begin, end], found "
                    + offsetsText);
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (begin < 0 || end < 0) {
            throw fail(file, name, "tensor '" + name + "': negative data_offsets " + offsetsText);
        }
        if (begin > end) {
            throw fail(file, name, "tensor '" + name + "': data_offsets " + offsetsText + " run backwards (begin > end)");
        }
        long numel;
        long bytes;
        try {
            numel = 1;
            for (int d : shape) numel = Math.multiplyExact(numel, d);
            bytes = Math.multiplyExact(numel, elementSize);
        } catch (ArithmeticException e) {
            throw fail(file, name, "tensor '" + name + "': shape " + shapeText + " of dtype " + dtype
                    + " has more elements or bytes than a 64-bit count holds (overflow); the header is damaged");
        }
        if (bytes != end - begin) {
            throw fail(file, name, "tensor '" + name + "': shape " + shapeText + " holds " + numel + " elements of "
                    + dtype + " (" + bytes + " bytes) but data_offsets " + offsetsText + " span " + (end - begin)
                    + " bytes; the shape does not match the data");
        }
        if (end > dataLength) {
            throw fail(file, name, "tensor '" + name + "': data_offsets " + offsetsText + " reach past the end of the"
                    + " data section, which holds " + dataLength + " bytes; the file is truncated or the offsets are wrong");
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    /** With tensors sorted by begin, walks the data section and reports the first overlap, gap or tail. */
    private static void checkCoverage(Path file, List<TensorInfo> sorted, long dataLength) throws SafeTensorsException {
        long covered = 0;
        TensorInfo last = null;
        for (TensorInfo t : sorted) {
            if (t.begin() < covered) {
                throw fail(file, t.name(), "tensors '" + last.name() + "' [" + last.begin() + ", " + last.end()
                        + ") and '" + t.name() + "' [" + t.begin() + ", " + t.end() + ") overlap in the data section");
            }
            if (t.begin() > covered) {
                throw fail(file, t.name(), "data bytes [" + covered + ", " + t.begin() + ") before tensor '" + t.name()
                        + "' belong to no tensor; safetensors data must be contiguous (no gaps)");
            }
            if (t.end() > t.begin() || last == null) last = t;
            covered = t.end();
        }
        if (covered != dataLength) {
            throw fail(file, null, "the data section holds " + dataLength + " bytes but the tensors cover only "
                    + covered + "; " + (dataLength - covered) + " trailing bytes belong to no tensor");
        }
    }

    /** A JSON array of at most {@code maxLength} exact integers in long range (1e3 and 4.0 count). */
    private static long[] readIntegers(Path file, String name, String field, JsonReader reader, int maxLength)
            throws IOException {
        if (reader.peek() != JsonToken.BEGIN_ARRAY) {
            throw fail(file, name, "tensor '" + name + "': \"" + field + "\" must be an array of integers, found "
                    + describeNext(reader));
        }
        long[] values = new long[maxLength];
        int n = 0;
        reader.beginArray();
        while (reader.hasNext()) {
            if (n == maxLength) {
                throw fail(file, name, "tensor '" + name + "': \"" + field + "\" has more than " + maxLength + " entries"
                        + (field.equals("data_offsets") ? "; it must be [begin, end]" : ""));
            }
            if (reader.peek() != JsonToken.NUMBER) {
                throw fail(file, name, "tensor '" + name + "': \"" + field + "\" must hold integers, found "
                        + describeNext(reader));
            }
            values[n++] = integer(file, name, field, reader.nextString());
        }
        reader.endArray();
        return Arrays.copyOf(values, n);
    }

    private static long integer(Path file, String name, String field, String literal) throws SafeTensorsException {
        // 64 characters hold any sane spelling of a long; longer ones are refused before BigDecimal parses them.
        if (literal.length() <= 64) {
            try {
                BigDecimal value = new BigDecimal(literal);
                if (value.signum() == 0) return 0;
                if (value.stripTrailingZeros().scale() > 0) {
                    throw fail(file, name, "tensor '" + name + "': \"" + field + "\" must hold integers, found a number "
                            + literal);
                }
                return value.longValueExact();
            } catch (ArithmeticException | NumberFormatException e) {
                // falls through: out of range
            }
        }
        throw fail(file, name, "tensor '" + name + "': \"" + field + "\" holds " + abbreviate(literal)
                + ", which is outside the 64-bit integer range");
    }

    /** Consumes the next value and says what it was, for "expected X, found Y" messages. */
    private static String describeNext(JsonReader reader) throws IOException {
        return switch (reader.peek()) {
            case BEGIN_OBJECT -> { reader.skipValue(); yield "an object"; }
            case BEGIN_ARRAY -> { reader.skipValue(); yield "an array"; }
            case STRING -> "a string \"" + abbreviate(reader.nextString()) + "\"";
            case NUMBER -> "a number " + abbreviate(reader.nextString());
            case BOOLEAN -> "a boolean " + reader.nextBoolean();
            case NULL -> { reader.nextNull(); yield "null"; }
            default -> String.valueOf(reader.peek());
        };
    }

    private static String abbreviate(String s) { return Excerpt.of(s); }

    private static SafeTensorsException missing(Path file, String name, String field) {
        return fail(file, name, "tensor '" + name + "': the header entry is missing \"" + field + "\"");
    }

    static SafeTensorsException fail(Path file, String tensor, String detail) {
        return new SafeTensorsException(file, tensor, "safetensors file " + file + ": " + detail);
    }

    private static Map<String, Integer> dtypeSizes() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String d : List.of("BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0")) m.put(d, 1);
        for (String d : List.of("I16", "U16", "F16", "BF16")) m.put(d, 2);
        for (String d : List.of("I32", "U32", "F32")) m.put(d, 4);
        for (String d : List.of("I64", "U64", "F64", "C64")) m.put(d, 8);
        return Collections.unmodifiableMap(m);
    }

    /** The header bytes as a stream, read straight from the mapping. */
    private static final class SegmentInputStream extends InputStream {
        private final MemorySegment segment;
        private long position;

        SegmentInputStream(MemorySegment segment) { this.segment = segment; }

        @Override
        public int read() {
            return position < segment.byteSize() ? segment.get(ValueLayout.JAVA_BYTE, position++) & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            long left = segment.byteSize() - position;
            if (len == 0) return 0;
            if (left <= 0) return -1;
            int n = (int) Math.min(len, left);
            MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, position, b, off, n);
            position += n;
            return n;
        }
    }
}

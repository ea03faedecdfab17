package org.circuitscope.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds safetensors files byte by byte, independently of {@link SafeTensorsWriter}. */
final class SafeTensorsFiles {
    private SafeTensorsFiles() {}

    /** 8-byte little-endian length of {@code json}'s UTF-8 bytes, the bytes, then {@code data}. */
    static byte[] assemble(String json, byte[] data) {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        return assemble(header.length, header, data);
    }

    /** As {@link #assemble(String, byte[])} but with a header length field that may lie. */
    static byte[] assemble(long headerLengthField, byte[] header, byte[] data) {
        return ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(headerLengthField).put(header).put(data).array();
    }

    static byte[] f32le(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return b.array();
    }

    static byte[] u16le(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) b.putShort((short) v);
        return b.array();
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) b.put(p);
        return b.array();
    }

    static Path write(Path dir, String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }
}

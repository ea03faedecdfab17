package org.circuitscope.lsp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** The tests' own LSP framing (not LSP4J's), to read what a server writes and send what no library would. */
public final class WireFrames {
    private WireFrames() {}

    /** The next frame's body as text; null when the stream ends. */
    public static String next(InputStream in) throws IOException {
        int length = -1;
        StringBuilder line = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) return null;
            if (c != '\n') {
                line.append((char) c);
                continue;
            }
            String l = line.toString().trim();
            line.setLength(0);
            if (l.isEmpty()) break;
            if (l.regionMatches(true, 0, "Content-Length:", 0, 15)) length = Integer.parseInt(l.substring(15).trim());
        }
        if (length < 0) throw new IOException("a frame without Content-Length");
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    /** One well-formed frame around {@code json}. */
    public static void write(OutputStream out, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        out.write(("Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }
}

package org.circuitscope.lsp.transport;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import org.circuitscope.lsp.protocol.Snippet;

/**
 * Cuts the client's bytes into LSP frames ({@code Content-Length: N\r\n\r\n} and N bytes) and
 * recovers from any byte sequence: a frame's body is always exactly its Content-Length bytes,
 * whatever JSON is inside; a broken header (no or bad Content-Length, a line too long, a size
 * over the limit) is reported and skipped up to the next header; and a Content-Length longer
 * than what was sent is found by the next frame's header inside the body (at once, or when the
 * stream goes quiet), so both messages are still read.
 */
final class FrameReader {
    /** Frames over this are refused (a 100 MB document still fits). */
    static final long MAX_BODY = 256L << 20;
    static final int MAX_HEADER_LINE = 1024;
    static final int MAX_HEADER_LINES = 32;
    private static final byte[] CONTENT_LENGTH = "Content-Length:".getBytes(StandardCharsets.US_ASCII);

    /** What the stream held next. */
    sealed interface Frame permits Body, Broken {}

    /** A whole frame: its body and the charset its header named (UTF-8 unless said). */
    record Body(byte[] bytes, Charset charset) implements Frame {}

    /** Bytes that were not a frame, and why; they have been skipped. */
    record Broken(String why) implements Frame {}

    private final TimedInput in;
    private final long quietMs;

    /** {@code quietMs}: how long a body may stall before it is searched for the next frame's header. */
    FrameReader(TimedInput in, long quietMs) {
        this.in = in;
        this.quietMs = quietMs;
    }

    /** The next frame, or null at the end of the stream. */
    Frame next() throws InterruptedException {
        long length = -1;
        Charset charset = StandardCharsets.UTF_8;
        String problem = null;
        int lines = 0;
        while (true) {
            String line = readLine();
            if (line == null) return null;
            if (line.isEmpty()) {
                if (lines == 0) continue; // blank lines between frames are harmless
                break;
            }
            int header = indexOfContentLength(line);
            if (header > 0) {
                // The rest of a body cut short, then the next frame: keep the frame.
                byte[] rest = (line.substring(header) + "\n").getBytes(StandardCharsets.ISO_8859_1);
                in.unread(rest, 0, rest.length);
                return new Broken("bytes that were not a frame before a header: " + Snippet.of(line.substring(0, header)));
            }
            if (++lines > MAX_HEADER_LINES) { problem = "more than " + MAX_HEADER_LINES + " header lines"; break; }
            if (line.length() > MAX_HEADER_LINE) { problem = "a header line longer than " + MAX_HEADER_LINE + " bytes"; break; }
            int colon = line.indexOf(':');
            if (colon <= 0 || !line.substring(0, colon).trim().matches("[A-Za-z0-9-]+")) {
                problem = "a line that is not a header: " + Snippet.of(line);
                break;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT), value = line.substring(colon + 1).trim();
            if (name.equals("content-length")) {
                if (!value.matches("\\d{1,18}")) { problem = "Content-Length is not a number: " + Snippet.of(value); break; }
                length = Long.parseLong(value);
            } else if (name.equals("content-type")) {
                int cs = value.toLowerCase(Locale.ROOT).indexOf("charset=");
                if (cs >= 0) charset = charset(value.substring(cs + 8).replace("\"", "").trim());
            }
        }
        if (problem == null && length < 0) problem = "a header without Content-Length";
        if (problem == null && length > MAX_BODY) problem = "a message of " + length + " bytes, over the limit of " + (MAX_BODY >> 20) + " MiB";
        if (problem != null) return new Broken(problem + "; skipped " + resync() + " bytes to the next header");
        return body((int) length, charset);
    }

    private static int indexOfContentLength(String line) {
        return line.toLowerCase(Locale.ROOT).indexOf("content-length:");
    }

    /** UTF-8 for what LSP allows ("utf-8", the old "utf8") and for names nobody knows: the protocol has no other. */
    private static Charset charset(String name) {
        try {
            return Charset.forName(name);
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    /**
     * Exactly {@code n} bytes. A Content-Length longer than the message shows as the next frame's
     * header inside the body (when the client went on sending) or as a body that stalls with one
     * in it: the message is what came before the header, and the header is read again.
     */
    private Frame body(int n, Charset charset) throws InterruptedException {
        byte[] b = new byte[n];
        int got = 0;
        while (got < n) {
            int c = in.read(b, got, n - got, got == 0 ? 0 : quietMs);
            if (c == -1) return null;
            if (c == TimedInput.TIMEOUT) {
                int at = headerStart(b, got);
                if (at >= 0) return cut(b, at, got, charset);
                // What came is a whole JSON message and nothing follows: the length was a lie, not a slow client.
                if (wholeJson(b, got, charset)) return new Body(Arrays.copyOf(b, got), charset);
                continue;
            }
            got += c;
        }
        int at = headerStart(b, n);
        if (at < 0) at = headerBegunAtEnd(b, n);
        return at < 0 ? new Body(b, charset) : cut(b, at, n, charset);
    }

    /**
     * Where the next frame's header begins when the body ends inside it (a Content-Length a few
     * bytes longer than what was sent): a tail that is the start of "Content-Length: 123". No
     * JSON message ends so (it ends with '}'), so what is cut off would not have parsed anyway.
     */
    private static int headerBegunAtEnd(byte[] b, int len) {
        for (int i = Math.max(0, len - CONTENT_LENGTH.length - 24); i < len; i++) {
            if (headerPrefix(b, i, len)) return i;
        }
        return -1;
    }

    /** Whether {@code b[i, len)} is how a frame header begins: part of "Content-Length:", then spaces, digits and a CR. */
    private static boolean headerPrefix(byte[] b, int i, int len) {
        int k = 0;
        while (k < CONTENT_LENGTH.length && i + k < len) {
            if (Character.toLowerCase(b[i + k]) != Character.toLowerCase(CONTENT_LENGTH[k])) return false;
            k++;
        }
        for (int j = i + k; j < len; j++) if (b[j] != ' ' && (b[j] < '0' || b[j] > '9') && b[j] != '\r') return false;
        return true;
    }

    private static boolean wholeJson(byte[] b, int len, Charset charset) {
        return len > 0 && b[len - 1] == '}' && Envelope.whole(new String(b, 0, len, charset));
    }

    /**
     * The message before a header at {@code at} in {@code b[0, got)}; the header and what follows
     * are read again. At 0 no message came at all (a header, then at once the next one's).
     */
    private Frame cut(byte[] b, int at, int got, Charset charset) {
        in.unread(b, at, got - at);
        return at == 0 ? new Broken("a header whose message never came, before the next header")
                : new Body(Arrays.copyOf(b, at), charset);
    }

    /**
     * Where a frame header (Content-Length:, digits, a line end) begins in {@code b[0, len)}; −1
     * when none does. No JSON message holds one: inside a string a raw line end is not allowed,
     * outside one the words are not JSON. A JSON body is followed directly by the next header,
     * and a header with no body at all (0) by its own.
     */
    private static int headerStart(byte[] b, int len) {
        for (int i = 0; i + CONTENT_LENGTH.length < len; i++) {
            if (!startsWith(b, i, CONTENT_LENGTH)) continue;
            int j = i + CONTENT_LENGTH.length;
            while (j < len && b[j] == ' ') j++;
            int digits = j;
            while (j < len && b[j] >= '0' && b[j] <= '9') j++;
            if (j > digits && j < len && (b[j] == '\r' || b[j] == '\n')) return i;
        }
        return -1;
    }

    private static boolean startsWith(byte[] b, int at, byte[] prefix) {
        for (int k = 0; k < prefix.length; k++) {
            if (Character.toLowerCase(b[at + k]) != Character.toLowerCase(prefix[k])) return false;
        }
        return true;
    }

    /** Skips to the next Content-Length: (left unread), wherever it stands; the bytes skipped. */
    private long resync() throws InterruptedException {
        long skipped = 0;
        int matched = 0;
        while (true) {
            int c = in.read(0);
            if (c == -1) return skipped + matched;
            if (Character.toLowerCase(c) == Character.toLowerCase(CONTENT_LENGTH[matched])) {
                if (++matched == CONTENT_LENGTH.length) {
                    in.unread(CONTENT_LENGTH, 0, CONTENT_LENGTH.length);
                    return skipped;
                }
                continue;
            }
            skipped += matched + 1;
            matched = Character.toLowerCase(c) == Character.toLowerCase(CONTENT_LENGTH[0]) ? 1 : 0;
            if (matched == 1) skipped--;
        }
    }

    /**
     * One header line without its line end (\r\n or \n), as Latin-1; null at the end of the
     * stream. A line longer than a header can be is not read on: what follows is left for {@link #resync}.
     */
    private String readLine() throws InterruptedException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (line.size() <= MAX_HEADER_LINE) {
            int c = in.read(0);
            if (c == -1) return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
            if (c == '\n') break;
            line.write(c);
        }
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
}

package org.circuitscope.lsp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Both ends of one in-process LSP connection, over a TCP socket on 127.0.0.1: for the
 * {@code aot-train} session, tests and benchmarks. Not {@link java.io.PipedInputStream}: it
 * remembers the last thread that wrote and fails the reader ("Write end dead", "Pipe broken")
 * once that thread has ended, and LSP4J writes from whichever pool thread completes a request,
 * threads that end when idle. A socket is also what an editor's connection is: bytes through
 * the kernel, a reader blocked in it.
 */
public record LoopbackStreams(Socket serverSide, Socket clientSide) implements AutoCloseable {

    public static LoopbackStreams open() throws IOException {
        try (ServerSocket listen = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Socket client = new Socket(InetAddress.getLoopbackAddress(), listen.getLocalPort());
            Socket server = listen.accept();
            // Small JSON-RPC messages, each flushed whole: sent at once, not held back for more.
            client.setTcpNoDelay(true);
            server.setTcpNoDelay(true);
            return new LoopbackStreams(server, client);
        }
    }

    public InputStream serverIn() throws IOException { return serverSide.getInputStream(); }

    public OutputStream serverOut() throws IOException { return serverSide.getOutputStream(); }

    public InputStream clientIn() throws IOException { return clientSide.getInputStream(); }

    public OutputStream clientOut() throws IOException { return clientSide.getOutputStream(); }

    @Override
    public void close() throws IOException {
        try (clientSide) {
            serverSide.close();
        }
    }
}

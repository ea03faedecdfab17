package org.circuitscope.lsp.transport;

import com.google.gson.JsonPrimitive;
import com.google.gson.stream.JsonToken;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.logging.Logger;
import org.circuitscope.lsp.protocol.Snippet;
import org.eclipse.lsp4j.jsonrpc.MessageConsumer;
import org.eclipse.lsp4j.jsonrpc.MessageIssueException;
import org.eclipse.lsp4j.jsonrpc.MessageProducer;
import org.eclipse.lsp4j.jsonrpc.json.MessageJsonHandler;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.jsonrpc.messages.Message;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseMessage;

/**
 * Reads JSON-RPC messages from the client so that no byte sequence can silence the server:
 * frames are cut by {@link FrameReader} (always exactly Content-Length bytes, resynchronised
 * after a broken header), and every message LSP4J cannot dispatch is answered here instead of
 * being dropped: JSON that does not parse −32700 (with the id when one can be read), a batch
 * −32600 for each request in it (LSP has no batches), a request whose params are not one JSON
 * object or do not fit the method's types −32602 naming the method.
 */
public final class FramedMessageProducer implements MessageProducer, Closeable {
    private static final Logger LOG = Logger.getLogger(FramedMessageProducer.class.getName());
    /** How long a frame's body may stall before it is searched for the next frame's header. */
    static final long QUIET_MS = 500;

    private final TimedInput input;
    private final FrameReader frames;
    private final MessageJsonHandler json;
    private final MessageConsumer replies;
    private volatile boolean open = true;

    /** {@code replies}: where answers to undispatchable messages go (the server's outgoing stream). */
    public FramedMessageProducer(InputStream in, MessageJsonHandler json, MessageConsumer replies) {
        this.input = new TimedInput(in);
        this.frames = new FrameReader(input, QUIET_MS);
        this.json = json;
        this.replies = replies;
    }

    @Override
    public void listen(MessageConsumer consumer) {
        try {
            while (open) {
                FrameReader.Frame f = frames.next();
                if (f == null) return;
                switch (f) {
                    case FrameReader.Broken b -> LOG.warning(() -> "skipped " + b.why());
                    case FrameReader.Body b -> dispatch(new String(b.bytes(), b.charset()), consumer);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void dispatch(String text, MessageConsumer consumer) {
        Envelope env;
        try {
            env = Envelope.read(text);
        } catch (IOException | RuntimeException | StackOverflowError e) {
            reply(null, ResponseErrorCode.ParseError, "the message is not JSON: " + Snippet.of(text));
            return;
        }
        if (env.kind() == JsonToken.BEGIN_ARRAY) {
            int answered = 0;
            for (Envelope m : env.members()) {
                if (m.request()) {
                    reply(m.id(), ResponseErrorCode.InvalidRequest, "JSON-RPC batches are not part of the language server protocol; send each message alone");
                    answered++;
                }
            }
            if (answered == 0) reply(null, ResponseErrorCode.InvalidRequest, "JSON-RPC batches are not part of the language server protocol");
            return;
        }
        if (env.kind() != JsonToken.BEGIN_OBJECT) {
            reply(null, ResponseErrorCode.InvalidRequest, "a message must be a JSON object, not " + Snippet.of(text));
            return;
        }
        String method = env.method();
        boolean request = env.request();
        if (request && env.paramsKind() != null && env.paramsKind() != JsonToken.BEGIN_OBJECT && env.paramsKind() != JsonToken.NULL) {
            reply(env.id(), ResponseErrorCode.InvalidParams, Snippet.of(method) + " takes one JSON object as params");
            return;
        }
        Message message;
        try {
            message = json.parseMessage(text);
        } catch (MessageIssueException e) {
            if (request) reply(env.id(), ResponseErrorCode.InvalidParams, "invalid params for " + Snippet.of(method) + ": " + Snippet.of(e.getMessage()));
            else LOG.warning(() -> "dropped a message LSP4J could not read: " + Snippet.of(e.getMessage()));
            return;
        } catch (RuntimeException | StackOverflowError e) {
            if (request) reply(env.id(), ResponseErrorCode.InvalidParams, "invalid params for " + Snippet.of(method) + ": " + Snippet.of(e.getMessage()));
            else if (method == null && !env.hasResult()) reply(env.id(), ResponseErrorCode.InvalidRequest, "a message needs a method");
            else LOG.warning(() -> "dropped a message LSP4J could not read: " + Snippet.of(e.getMessage()));
            return;
        }
        consumer.consume(message);
    }

    /** An error response; the id as the client wrote it when it is a string or a number, else null. */
    private void reply(JsonPrimitive id, ResponseErrorCode code, String text) {
        ResponseMessage r = new ResponseMessage();
        if (id != null && id.isString()) r.setRawId(Either.forLeft(id.getAsString()));
        else if (id != null && id.isNumber()) r.setRawId(Either.forRight(id.getAsNumber()));
        r.setError(new ResponseError(code, text, null));
        LOG.info(() -> "answered " + code + ": " + text);
        replies.consume(r);
    }

    @Override
    public void close() {
        open = false;
        input.close();
    }
}

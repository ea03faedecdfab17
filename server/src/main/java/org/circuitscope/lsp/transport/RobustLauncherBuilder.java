package org.circuitscope.lsp.transport;

import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.jsonrpc.MessageConsumer;
import org.eclipse.lsp4j.jsonrpc.MessageProducer;
import org.eclipse.lsp4j.jsonrpc.RemoteEndpoint;
import org.eclipse.lsp4j.jsonrpc.json.ConcurrentMessageProcessor;
import org.eclipse.lsp4j.jsonrpc.json.MessageJsonHandler;
import org.eclipse.lsp4j.jsonrpc.json.StreamMessageConsumer;
import org.eclipse.lsp4j.jsonrpc.services.ServiceEndpoints;

/**
 * LSP4J's launcher with our reading side: {@link FramedMessageProducer} instead of LSP4J's
 * stream reader (which parses JSON straight off the stream, so a body that fails to parse
 * leaves the rest of its frame to be read as headers), answering through the same outgoing
 * stream as the server's own messages, and {@link ServerErrors} for handlers that throw.
 */
public final class RobustLauncherBuilder<T> extends Launcher.Builder<T> {
    private MessageJsonHandler jsonHandler;
    private MessageConsumer outgoing;

    public RobustLauncherBuilder() {
        setExceptionHandler(ServerErrors::toResponseError);
    }

    @Override
    protected RemoteEndpoint createRemoteEndpoint(MessageJsonHandler handler) {
        // As LSP4J builds it, keeping the outgoing consumer: answers written here must not interleave with the server's.
        jsonHandler = handler;
        outgoing = wrapMessageConsumer(new StreamMessageConsumer(output, handler));
        RemoteEndpoint endpoint = new RemoteEndpoint(outgoing, ServiceEndpoints.toEndpoint(localServices), exceptionHandler);
        handler.setMethodProvider(endpoint);
        endpoint.setJsonHandler(handler);
        return endpoint;
    }

    @Override
    protected ConcurrentMessageProcessor createMessageProcessor(MessageProducer lsp4jReader, MessageConsumer consumer, T remoteProxy) {
        return new ConcurrentMessageProcessor(new FramedMessageProducer(input, jsonHandler, outgoing), consumer);
    }
}

package org.circuitscope.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.logging.Logger;
import org.circuitscope.model.Backend;
import org.circuitscope.model.BackendProvider;
import org.circuitscope.model.Weights;

/**
 * "djl": PyTorch through DJL, on the first GPU when DJL sees one, else on the CPU ({@code
 * -Dcircuitscope.djl.device=cpu} keeps it on the CPU), said in one log line.
 */
public final class DjlBackendProvider implements BackendProvider {
    private static final Logger LOG = Logger.getLogger(DjlBackendProvider.class.getName());

    @Override public String name() { return DjlBackend.NAME; }

    @Override
    public Backend open(Weights weights) {
        // DJL finds its engine through the context class loader: when this module came in a child
        // loader (the server's DJL folder), that must be the loader that holds the engine.
        Thread th = Thread.currentThread();
        ClassLoader before = th.getContextClassLoader();
        th.setContextClassLoader(DjlBackendProvider.class.getClassLoader());
        try {
            Engine engine = Engine.getEngine("PyTorch");
            boolean gpu = engine.getGpuCount() > 0 && !"cpu".equalsIgnoreCase(System.getProperty("circuitscope.djl.device"));
            Device device = gpu ? Device.gpu() : Device.cpu();
            DjlBackend b = new DjlBackend(weights, device);
            LOG.info(() -> "djl backend: PyTorch " + engine.getVersion() + " (DJL " + Engine.getDjlVersion() + ") on " + b.device()
                    + " for " + weights.config().modelName());
            return b;
        } finally {
            th.setContextClassLoader(before);
        }
    }
}

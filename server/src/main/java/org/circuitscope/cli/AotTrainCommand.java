package org.circuitscope.cli;

import java.util.concurrent.Callable;
import org.circuitscope.lsp.AotTrainingSession;
import picocli.CommandLine.Command;

/** {@code circuitscope aot-train} (hidden): the training run of {@link AotCache}, an {@link AotTrainingSession}. */
@Command(name = AotTrainCommand.NAME, hidden = true, description = "Training run for the start-up cache (used by the server itself).")
final class AotTrainCommand implements Callable<Integer> {
    static final String NAME = "aot-train";

    @Override
    public Integer call() throws Exception { return AotTrainingSession.run(); }
}

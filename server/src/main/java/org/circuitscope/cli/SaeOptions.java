package org.circuitscope.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.sae.SaeSet;
import picocli.CommandLine.Option;

/** {@code --sae DIR}, repeatable: SAE folders in SAELens's layout, each named by its folder ({@code <sae>:<index>}). */
final class SaeOptions {
    @Option(names = "--sae", paramLabel = "DIR", description = "SAE folder (SAELens layout: cfg.json + sae_weights.safetensors);"
            + " repeat for several. Its folder name is the <sae> of feature ids <sae>:<index>.")
    List<Path> saes = List.of();

    /** The SAEs, each checked against the model (hook point and width). */
    SaeSet load(ModelConfig cfg) throws IOException {
        return saes.isEmpty() ? SaeSet.empty() : SaeSet.load(saes, cfg);
    }
}

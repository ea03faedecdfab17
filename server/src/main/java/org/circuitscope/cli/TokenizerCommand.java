package org.circuitscope.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.circuitscope.tokenizer.BpeTrainer;
import org.circuitscope.tokenizer.TokenizerJsonWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Trains a byte-level BPE tokenizer on a text file and writes tokenizer.json. */
@Command(name = "train-tokenizer", mixinStandardHelpOptions = true,
        description = "Learn byte-level BPE merges (GPT-2 pre-tokenisation) and write a Hugging Face tokenizer.json.")
final class TokenizerCommand implements Callable<Integer> {
    @Option(names = "--text", required = true, paramLabel = "FILE") Path text;
    @Option(names = "--vocab-size", required = true, paramLabel = "N", description = "Total vocabulary: 256 bytes + merges + <|endoftext|>.") int vocab;
    @Option(names = "--out", required = true, paramLabel = "tokenizer.json") Path out;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        InputOptions.requireFile(text);
        OutputFiles.checkWritable(out, "--out");
        List<String[]> merges = BpeTrainer.train(Files.readString(text), vocab);
        TokenizerJsonWriter.write(out, merges);
        spec.commandLine().getOut().printf("wrote %s: %d merges, %d tokens%n", out, merges.size(), 257 + merges.size());
        return 0;
    }
}

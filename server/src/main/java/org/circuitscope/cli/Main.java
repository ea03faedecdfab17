package org.circuitscope.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code circuitscope <command>}: the language server and the analyses from a shell. */
@Command(name = "circuitscope", mixinStandardHelpOptions = true, version = "circuitscope 0.1.0",
        description = "Transformer circuits in the editor and on the command line.",
        subcommands = {
            LspCommand.class,
            PredictCommand.class,
            CacheCommand.class,
            HeadsCommand.class,
            PathsCommand.class,
            TermsCommand.class,
            AttributeCommand.class,
            AblateCommand.class,
            PatchCommand.class,
            LensCommand.class,
            VirtualWeightsCommand.class,
            BasisCommand.class,
            InterferenceCommand.class,
            MemoryCommand.class,
            BigramsCommand.class,
            ScanCommand.class,
            TrainCommand.class,
            TokenizerCommand.class,
            RandomModelCommand.class,
            AotTrainCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() { spec.commandLine().usage(spec.commandLine().getOut()); }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line; user mistakes are one line on {@code err} and a non-zero result. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            err.println("circuitscope: error: " + UserErrors.message(ex));
            if (Boolean.getBoolean("circuitscope.debug")) ex.printStackTrace(err);
            return UserErrors.isUserError(ex) ? 1 : 70;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("circuitscope: error: " + UserErrors.argumentMessage(ex));
            return 2;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }
}

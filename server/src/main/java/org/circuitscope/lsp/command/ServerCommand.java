package org.circuitscope.lsp.command;

/** One {@code workspace/executeCommand}: its id and the report it answers for a document's run. */
public interface ServerCommand {
    String id();

    /** The report (a record serialised by {@link org.circuitscope.report.ReportJson}); bad arguments throw InvalidParams. */
    Object run(CommandCall call);
}

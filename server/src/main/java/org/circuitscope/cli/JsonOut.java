package org.circuitscope.cli;

import java.io.PrintWriter;
import org.circuitscope.report.ReportJson;

/** The one way commands print {@code --json}: the report's {@link ReportJson} form, pretty. */
final class JsonOut {
    private JsonOut() {}

    static void print(PrintWriter out, Object result) { out.println(ReportJson.pretty(result)); }
}

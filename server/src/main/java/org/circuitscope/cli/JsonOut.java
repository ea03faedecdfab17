package org.circuitscope.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.PrintWriter;

/** The one way commands print {@code --json}: pretty, with NaN and infinities kept readable. */
final class JsonOut {
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

    private JsonOut() {}

    static void print(PrintWriter out, Object result) { out.println(GSON.toJson(result)); }
}

package org.circuitscope.view;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Draws a command's answer as a page. {@code command} is the command id
 * ({@code circuitscope.attentionPattern}, ...), {@code args} what it was run with, {@code result}
 * its JSON answer exactly as the language server sends it. Never throws for bad input: an
 * unknown command or an answer that cannot be drawn gives an {@link #error} page saying why.
 */
public final class Pages {
    private Pages() {}

    // The ids as the language server spells them (org.circuitscope.lsp.protocol.CommandIds; this package stays free of LSP).
    static final String ATTENTION_PATTERN = "circuitscope.attentionPattern";
    static final String INSPECT_HEAD = "circuitscope.inspectHead";
    static final String COMPOSITION_SCORES = "circuitscope.compositionScores";
    static final String SCAN_EXAMPLES = "circuitscope.scanExamples";

    private static final Map<String, View> VIEWS = new LinkedHashMap<>();

    static {
        VIEWS.put(ATTENTION_PATTERN, new AttentionView());
        VIEWS.put(INSPECT_HEAD, new HeadCard());
        VIEWS.put("circuitscope.detectHeads", new HeadsOverview());
        VIEWS.put("circuitscope.pathExpansion", new PathBars());
        VIEWS.put("circuitscope.attribute", new AttributionView());
        VIEWS.put("circuitscope.ablate", new AblationView());
        VIEWS.put("circuitscope.logitLens", new LogitLensView());
        VIEWS.put(COMPOSITION_SCORES, new CompositionView());
        VIEWS.put("circuitscope.patch", new PatchingView());
        VIEWS.put("circuitscope.termImportance", new TermImportanceView());
        VIEWS.put("circuitscope.featureCard", new FeatureCardView());
        VIEWS.put(SCAN_EXAMPLES, new ScanExamplesView());
    }

    /** The commands that have a page. */
    public static boolean drawable(String command) { return command != null && VIEWS.containsKey(command); }

    /** Every command with a page, in the order the menus list them. */
    public static Set<String> commands() { return java.util.Collections.unmodifiableSet(VIEWS.keySet()); }

    public static Page render(String command, JsonObject args, JsonElement result, PageOptions options) {
        View view = VIEWS.get(command);
        if (view == null) return error(command, "there is no picture for " + command + "; pictures: " + String.join(", ", VIEWS.keySet()), options);
        try {
            if (result == null || !result.isJsonObject()) throw new Answer.BadAnswer("the answer is not a JSON object");
            JsonObject r = result.getAsJsonObject();
            JsonObject request = args == null ? new JsonObject() : args;
            String title = view.title(r);
            String body = "<h1>" + Html.escape(title) + "</h1><div class=\"sub\">" + Html.escape(Answer.string(r, "model") + view.subtitle(r))
                    + "</div>" + view.body(r, request, Links.of(options));
            return new Page(title, PageShell.html(options, title, body));
        } catch (RuntimeException e) {
            // A malformed answer (a client's, or a newer server's) must not take the viewer down.
            return error(command, command + ": cannot draw this answer: " + (e.getMessage() == null ? e.toString() : e.getMessage()), options);
        }
    }

    /** A page saying why there is no picture (the server's message, escaped). */
    public static Page error(String command, String message, PageOptions options) {
        View view = command == null ? null : VIEWS.get(command);
        String name = view != null ? view.name() : command == null ? "Circuitscope" : command;
        return new Page(name, PageShell.html(options, name, "<h1>" + Html.escape(name) + "</h1><div class=\"error\" id=\"error\">"
                + Html.escape(message) + "</div>"));
    }
}

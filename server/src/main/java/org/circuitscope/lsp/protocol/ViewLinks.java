package org.circuitscope.lsp.protocol;

import com.google.gson.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.lsp4j.Command;

/**
 * Where the links of hovers and code lenses to a view (a command's picture) go. VS Code draws
 * pictures itself, in webviews, so it gets {@code command:} links; other editors get the loopback
 * viewer's URLs, opened in a browser.
 */
public interface ViewLinks {
    /** A Markdown link target for the view of {@code command} with {@code args}. */
    String href(String command, JsonObject args);

    /** The command a code lens titled {@code title} runs to show that view. */
    Command lens(String title, String command, JsonObject args);

    /** VS Code's links: the command itself, its argument in a {@code command:} URI. */
    ViewLinks COMMANDS = new ViewLinks() {
        @Override
        public String href(String command, JsonObject args) {
            return "command:" + command + "?" + URLEncoder.encode("[" + args + "]", StandardCharsets.UTF_8).replace("+", "%20");
        }

        @Override
        public Command lens(String title, String command, JsonObject args) { return new Command(title, command, List.of(args)); }
    };
}

package org.circuitscope.view;

import com.google.gson.JsonObject;

/**
 * Links from one view to another. Every link names its command and arguments ({@code data-command},
 * {@code data-args}); in a webview the page's script posts them to the editor, in a browser the
 * link is also an {@code href} from {@link PageOptions.LinkTarget}.
 */
record Links(PageOptions.LinkTarget target) {
    static Links of(PageOptions options) { return new Links(options == null ? null : options.links()); }

    String link(String command, JsonObject args, String text) {
        String data = "data-command=\"" + Html.escape(command) + "\" data-args=\"" + Html.escape(args.toString()) + "\"";
        if (target == null) return "<span class=\"link\" role=\"link\" tabindex=\"0\" " + data + ">" + Html.escape(text) + "</span>";
        return "<a class=\"link\" href=\"" + Html.escape(target.href(command, args)) + "\" " + data + ">" + Html.escape(text) + "</a>";
    }

    /** The arguments of a link: the document the page was drawn for, when known, then {@code more}. */
    static JsonObject args(JsonObject request, Object... keyValues) {
        JsonObject o = new JsonObject();
        if (Answer.has(request, "uri")) o.add("uri", request.get("uri"));
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            String k = (String) keyValues[i];
            Object v = keyValues[i + 1];
            if (v instanceof Number n) o.addProperty(k, n);
            else o.addProperty(k, String.valueOf(v));
        }
        return o;
    }
}

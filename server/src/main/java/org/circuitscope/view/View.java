package org.circuitscope.view;

import com.google.gson.JsonObject;

/** One kind of picture: how a command's answer becomes a title, a line under it and a body. */
interface View {
    /** What the picture is called before there is an answer, or when there is an error. */
    String name();

    String title(JsonObject answer);

    /** After the model's name, under the title (starts with " · " when not empty). */
    String subtitle(JsonObject answer);

    /** The HTML under the title; {@code request} is what the command ran with (its uri, layer, …). */
    String body(JsonObject answer, JsonObject request, Links links);
}

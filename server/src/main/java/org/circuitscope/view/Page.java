package org.circuitscope.view;

/** A drawn view: the title for a tab or window, and the whole HTML document. */
public record Page(String title, String html) {}

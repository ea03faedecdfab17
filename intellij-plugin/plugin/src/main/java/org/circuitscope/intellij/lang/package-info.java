/**
 * The {@code .prompt} file type: its language (id {@code prompt}, as the server and VS Code name it), its icon, and
 * a small highlighter for the YAML-like front matter ({@code ---} … {@code ---}, {@code key: value} lines). Everything
 * else (token heat, hovers, inlay hints) comes from the server through LSP4IJ.
 */
package org.circuitscope.intellij.lang;

/**
 * The palette actions (Tools → Circuitscope, and Find Action): each asks for what its server command needs (a layer
 * and head, heads and a mode, the cursor) and asks the server to show the command's page, which opens in the tool window.
 */
package org.circuitscope.intellij.actions;

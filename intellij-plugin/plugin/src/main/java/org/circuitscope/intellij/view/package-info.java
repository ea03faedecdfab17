/**
 * The Circuitscope tool window: a JCEF browser that shows the pages of the server's loopback viewer (the pictures the
 * server draws), opened by the palette commands and by the server's window/showDocument.
 */
package org.circuitscope.intellij.view;

/**
 * The palette commands as data: which server command each runs, what it asks the user for (a layer and head, heads and
 * an ablation mode, the cursor), the heads offered (from the server's detectHeads answer) and the JSON arguments sent.
 * No IDE types, so all of it is unit-tested.
 */
package org.circuitscope.intellij.commands;

package org.circuitscope.intellij.commands;

/**
 * The palette commands of the VS Code extension (vscode-extension/src/palette.ts), with the same ids and titles; a
 * test keeps plugin.xml's actions equal to this list.
 */
public enum PaletteCommand {
    INSPECT_HEAD("circuitscope.ui.inspectHead", "Inspect Head…", "circuitscope.inspectHead", Needs.HEAD),
    ATTENTION_PATTERN("circuitscope.ui.attentionPattern", "Show Attention Pattern", "circuitscope.attentionPattern", Needs.LAYER_OR_HEAD),
    PATH_EXPANSION("circuitscope.ui.pathExpansion", "Show Path Expansion for Token", "circuitscope.pathExpansion", Needs.CURSOR),
    ATTRIBUTE("circuitscope.ui.attribute", "Attribute Token to Heads", "circuitscope.attribute", Needs.CURSOR),
    DETECT_HEADS("circuitscope.ui.detectHeads", "Detect Heads", "circuitscope.detectHeads", Needs.DOCUMENT),
    ABLATE("circuitscope.ui.ablate", "Ablate Heads…", "circuitscope.ablate", Needs.HEADS_AND_MODE),
    LOGIT_LENS("circuitscope.ui.logitLens", "Logit Lens", "circuitscope.logitLens", Needs.CURSOR),
    COMPOSITION_SCORES("circuitscope.ui.compositionScores", "Show Composition Scores", "circuitscope.compositionScores", Needs.DOCUMENT),
    RESTART_SERVER("circuitscope.ui.restartServer", "Restart Language Server", null, Needs.NOTHING);

    /** What a command asks for before it runs. */
    public enum Needs { NOTHING, DOCUMENT, CURSOR, HEAD, LAYER_OR_HEAD, HEADS_AND_MODE }

    private final String id;
    private final String title;
    private final String serverCommand;
    private final Needs needs;

    PaletteCommand(String id, String title, String serverCommand, Needs needs) {
        this.id = id;
        this.title = title;
        this.serverCommand = serverCommand;
        this.needs = needs;
    }

    /** The action id (as the VS Code command id). */
    public String id() { return id; }

    public String title() { return title; }

    /** The server command whose page is shown, or null for a command the plugin does itself. */
    public String serverCommand() { return serverCommand; }

    public Needs needs() { return needs; }

    public static PaletteCommand byId(String id) {
        for (PaletteCommand c : values()) {
            if (c.id.equals(id)) return c;
        }
        throw new IllegalArgumentException("no palette command " + id);
    }
}

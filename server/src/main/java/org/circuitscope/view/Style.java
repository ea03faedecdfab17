package org.circuitscope.view;

/**
 * The pages' one stylesheet. Every colour is a VS Code theme variable with a fallback, so a
 * webview follows the editor's theme and a browser picks light or dark defaults from
 * {@code prefers-color-scheme}. No inline style attributes: the CSP would block them.
 */
final class Style {
    private Style() {}

    static final String CSS = """
            :root { --cs-fg: #1f1f1f; --cs-bg: #ffffff; --cs-muted: #616161; --cs-pos: #005fb8; --cs-neg: #c72e2e;
              --cs-border: #d0d0d0; --cs-good: #388a34; --cs-hover-bg: #f8f8f8; --cs-focus: #0090f1; color-scheme: light dark; }
            @media (prefers-color-scheme: dark) {
              :root { --cs-fg: #cccccc; --cs-bg: #1f1f1f; --cs-muted: #9d9d9d; --cs-pos: #3794ff; --cs-neg: #f14c4c;
                --cs-border: #454545; --cs-good: #73c991; --cs-hover-bg: #252526; --cs-focus: #0078d4; }
            }
            body { font-family: var(--vscode-font-family, system-ui, sans-serif); font-size: var(--vscode-font-size, 13px);
              color: var(--vscode-foreground, var(--cs-fg)); background: var(--vscode-editor-background, var(--cs-bg)); padding: 8px 16px; }
            h1 { font-size: 1.3em; margin: 0.2em 0 0.1em; } h2 { font-size: 1.05em; margin: 1.2em 0 0.4em; }
            .sub, .key, .note { color: var(--vscode-descriptionForeground, var(--cs-muted)); }
            .sub { margin-bottom: 0.8em; } .note { font-style: italic; }
            .error { color: var(--vscode-errorForeground, var(--cs-neg)); border-left: 3px solid var(--vscode-errorForeground, var(--cs-neg));
              padding: 6px 10px; white-space: pre-wrap; }
            .grid { display: flex; flex-wrap: wrap; gap: 18px; }
            .head { display: inline-block; } .head h3 { margin: 0 0 2px; font-size: 1em; }
            svg.bars, svg.heatmap, svg.matrix { max-width: 100%; height: auto; }
            svg text { fill: var(--vscode-foreground, var(--cs-fg)); font-family: var(--vscode-editor-font-family, ui-monospace, monospace); }
            svg text.axis { font-size: 11px; } svg text.value { font-size: 11px; fill: var(--vscode-descriptionForeground, var(--cs-muted)); }
            rect.frame { fill: none; stroke: var(--vscode-panel-border, var(--cs-border)); }
            rect.cell { fill: var(--vscode-textLink-foreground, var(--cs-pos)); } rect.cell.neg { fill: var(--vscode-errorForeground, var(--cs-neg)); }
            rect.cell:not(.swatch) { cursor: crosshair; }
            rect.cell:hover, rect.bar:hover, .tok:hover { stroke: var(--vscode-focusBorder, var(--cs-focus)); stroke-width: 1;
              outline: 1px solid var(--vscode-focusBorder, var(--cs-focus)); }
            rect.bar.pos { fill: var(--vscode-textLink-foreground, var(--cs-pos)); } rect.bar.neg { fill: var(--vscode-errorForeground, var(--cs-neg)); }
            circle.eig.pos { fill: var(--vscode-textLink-foreground, var(--cs-pos)); } circle.eig.neg { fill: var(--vscode-errorForeground, var(--cs-neg)); }
            line.zero, line.sep { stroke: var(--vscode-descriptionForeground, var(--cs-muted)); stroke-width: 1; }
            .key { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; margin-bottom: 6px; }
            #tip { position: fixed; pointer-events: none; display: none; z-index: 10; padding: 4px 8px; max-width: 520px; white-space: pre-wrap;
              background: var(--vscode-editorHoverWidget-background, var(--cs-hover-bg));
              color: var(--vscode-editorHoverWidget-foreground, var(--vscode-foreground, var(--cs-fg)));
              border: 1px solid var(--vscode-editorHoverWidget-border, var(--cs-border));
              font-family: var(--vscode-editor-font-family, ui-monospace, monospace); font-size: 12px; }
            .tokens { font-family: var(--vscode-editor-font-family, ui-monospace, monospace); white-space: pre-wrap; line-height: 1.9; max-width: 900px; }
            .tok { border-radius: 3px; padding: 1px 0; }
            table { border-collapse: collapse; }
            th, td { padding: 3px 10px; text-align: left; border-bottom: 1px solid var(--vscode-panel-border, var(--cs-border)); }
            td.num, td.score { text-align: right; font-variant-numeric: tabular-nums; } td.score { min-width: 70px; }
            a, .link { color: var(--vscode-textLink-foreground, var(--cs-pos)); cursor: pointer; text-decoration: none; }
            a:hover, .link:hover { text-decoration: underline; }
            code { font-family: var(--vscode-editor-font-family, ui-monospace, monospace); }
            .tok.focus { font-weight: 700; }
            """ + shades();

    /** Token backgrounds p1..p5 / n1..n5 and score cells s0..s10, mixed from the theme's colours. */
    private static String shades() {
        StringBuilder b = new StringBuilder();
        for (int l = 1; l <= 5; l++) {
            b.append(".tok.p").append(l).append(" { background: color-mix(in srgb, var(--vscode-textLink-foreground, var(--cs-pos)) ")
                    .append(l * 14).append("%, transparent); }\n");
            b.append(".tok.n").append(l).append(" { background: color-mix(in srgb, var(--vscode-errorForeground, var(--cs-neg)) ")
                    .append(l * 14).append("%, transparent); }\n");
        }
        for (int i = 0; i <= 10; i++) {
            b.append("td.s").append(i).append(" { background: color-mix(in srgb, var(--vscode-testing-iconPassed, var(--cs-good)) ")
                    .append(i * 6).append("%, transparent); }\n");
        }
        return b.toString();
    }
}

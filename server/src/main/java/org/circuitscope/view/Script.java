package org.circuitscope.view;

/**
 * The pages' inline scripts. Pages read without any: every cell, bar and token carries an SVG
 * {@code <title>} or a {@code title} attribute. The tooltip script shows the same text at once
 * beside the mouse; in webviews a second one posts link clicks to the editor.
 */
final class Script {
    private Script() {}

    static final String TOOLTIP = """
            const tip = document.getElementById('tip');
            document.addEventListener('mouseover', e => {
              const t = e.target.closest ? e.target.closest('[data-tip]') : null;
              if (!t) { tip.style.display = 'none'; return; }
              tip.textContent = t.getAttribute('data-tip'); tip.style.display = 'block';
            });
            document.addEventListener('mousemove', e => {
              if (tip.style.display !== 'block') return;
              const x = Math.min(e.clientX + 14, window.innerWidth - tip.offsetWidth - 4);
              const below = e.clientY + 18 + tip.offsetHeight > window.innerHeight;
              tip.style.left = x + 'px'; tip.style.top = (below ? e.clientY - tip.offsetHeight - 8 : e.clientY + 18) + 'px';
            });
            document.addEventListener('mouseleave', () => { tip.style.display = 'none'; });
            """;

    /** Webviews only: a click (or Enter) on a {@code data-command} element asks the editor to draw that view. */
    static final String POST_LINKS = """
            const vscode = acquireVsCodeApi();
            const follow = e => {
              const a = e.target.closest ? e.target.closest('[data-command]') : null;
              if (a) vscode.postMessage({ command: a.getAttribute('data-command'), args: JSON.parse(a.getAttribute('data-args') || '{}') });
            };
            document.addEventListener('click', follow);
            document.addEventListener('keydown', e => { if (e.key === 'Enter') follow(e); });
            """;
}

// Whole webview pages for each command's result. Pure (no vscode import): the panel module
// passes the nonce and the webview's CSP source. Nothing is loaded from the network; the only
// script is the small inline one below (tooltips, clicks posted back to the extension).
import { Command, CommandId, ParamsOf, ResultOf } from '../protocol';
import {
    ablationTokens, attributionTokens, barChartSvg, coloredTokensHtml, compositionBars, DETECTORS, esc, fmt, gradientTokens,
    headRows, heatLegendSvg, heatmapLayout, heatmapModel, heatmapSvg, pathExpansionBars, scoreBars, skipTrigramLines, tokenLabel,
} from './draw';

export interface PageContext { nonce: string; cspSource: string }

/** The commands whose results are drawn (predict's are shown in the editor itself). */
export type ViewCommand = Exclude<CommandId, typeof Command.predict>;

/** One kind of picture: its name while it loads or on an error, and how a result is drawn. */
interface View<C extends ViewCommand> {
    name: string;
    title(r: ResultOf<C>): string;
    /** After the model's name, under the title. */
    subtitle(r: ResultOf<C>): string;
    body(r: ResultOf<C>, request: ParamsOf<C>): string;
}

export function csp(ctx: PageContext): string {
    return `default-src 'none'; img-src ${ctx.cspSource} data:; style-src 'nonce-${ctx.nonce}'; script-src 'nonce-${ctx.nonce}'; font-src ${ctx.cspSource};`;
}

const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 8px 16px; }
h1 { font-size: 1.3em; margin: 0.2em 0 0.1em; } h2 { font-size: 1.05em; margin: 1.2em 0 0.4em; }
.sub { color: var(--vscode-descriptionForeground); margin-bottom: 0.8em; }
.error { color: var(--vscode-errorForeground); border-left: 3px solid var(--vscode-errorForeground); padding: 6px 10px; background: var(--vscode-inputValidation-errorBackground, transparent); white-space: pre-wrap; }
.note { color: var(--vscode-descriptionForeground); font-style: italic; }
.grid { display: flex; flex-wrap: wrap; gap: 18px; }
.head { display: inline-block; } .head h3 { margin: 0 0 2px; font-size: 1em; }
svg.bars, svg.heatmap { max-width: 100%; height: auto; }
svg text { fill: var(--vscode-foreground); font-family: var(--vscode-editor-font-family); }
svg text.axis { font-size: 11px; } svg text.value { font-size: 11px; fill: var(--vscode-descriptionForeground); }
rect.frame { fill: none; stroke: var(--vscode-panel-border, #8884); }
rect.cell:not(.swatch) { cursor: crosshair; }
.key { color: var(--vscode-descriptionForeground); display: flex; flex-wrap: wrap; align-items: center; gap: 8px; margin-bottom: 6px; }
rect.cell { fill: var(--vscode-textLink-foreground, #3794ff); }
rect.cell:hover, .tok:hover, rect.bar:hover { outline: 1px solid var(--vscode-focusBorder); stroke: var(--vscode-focusBorder); stroke-width: 1; }
rect.bar.pos { fill: var(--vscode-textLink-foreground, #3794ff); } rect.bar.neg { fill: var(--vscode-errorForeground, #f14c4c); }
line.zero { stroke: var(--vscode-descriptionForeground); stroke-width: 1; }
#tip { position: fixed; pointer-events: none; display: none; z-index: 10; padding: 4px 8px; max-width: 520px; white-space: pre-wrap;
  background: var(--vscode-editorHoverWidget-background); color: var(--vscode-editorHoverWidget-foreground, var(--vscode-foreground));
  border: 1px solid var(--vscode-editorHoverWidget-border); font-family: var(--vscode-editor-font-family); font-size: 12px; }
.tokens { font-family: var(--vscode-editor-font-family); white-space: pre-wrap; line-height: 1.9; max-width: 900px; }
.tok { border-radius: 3px; padding: 1px 0; }
${[1, 2, 3, 4, 5].map(l => `.tok.p${l} { background: color-mix(in srgb, var(--vscode-textLink-foreground, #3794ff) ${l * 14}%, transparent); }
.tok.n${l} { background: color-mix(in srgb, var(--vscode-errorForeground, #f14c4c) ${l * 14}%, transparent); }`).join('\n')}
table { border-collapse: collapse; } th, td { padding: 3px 10px; text-align: left; border-bottom: 1px solid var(--vscode-panel-border, #8883); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.score { position: relative; min-width: 70px; text-align: right; font-variant-numeric: tabular-nums; }
${Array.from({ length: 11 }, (_, i) => `td.s${i} { background: color-mix(in srgb, var(--vscode-testing-iconPassed, #73c991) ${i * 6}%, transparent); }`).join('\n')}
a, .link { color: var(--vscode-textLink-foreground); cursor: pointer; text-decoration: none; } a:hover, .link:hover { text-decoration: underline; }
code { font-family: var(--vscode-editor-font-family); }
`;

const SCRIPT = `
const vscode = acquireVsCodeApi();
const tip = document.getElementById('tip');
document.addEventListener('mouseover', e => {
  const t = e.target.closest && e.target.closest('[data-tip]');
  if (!t) { tip.style.display = 'none'; return; }
  tip.textContent = t.getAttribute('data-tip'); tip.style.display = 'block';
});
document.addEventListener('mousemove', e => {
  if (tip.style.display !== 'block') return;
  const x = Math.min(e.clientX + 14, window.innerWidth - tip.offsetWidth - 4);
  const y = e.clientY + 18 + tip.offsetHeight > window.innerHeight ? e.clientY - tip.offsetHeight - 8 : e.clientY + 18;
  tip.style.left = x + 'px'; tip.style.top = y + 'px';
});
document.addEventListener('mouseleave', () => { tip.style.display = 'none'; });
document.addEventListener('click', e => {
  const a = e.target.closest && e.target.closest('[data-command]');
  if (a) vscode.postMessage({ command: a.getAttribute('data-command'), args: JSON.parse(a.getAttribute('data-args') || '{}') });
});
`;

export function page(ctx: PageContext, title: string, body: string): string {
    return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp(ctx)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${esc(title)}</title><style nonce="${ctx.nonce}">${STYLE}</style></head>
<body data-view="${esc(title)}">${body}<div id="tip" role="tooltip"></div><script nonce="${ctx.nonce}">${SCRIPT}</script></body></html>`;
}

export function errorPage(ctx: PageContext, what: string, message: string): string {
    return page(ctx, what, `<h1>${esc(what)}</h1><div class="error" id="error">${esc(message)}</div>`);
}

export function loadingPage(ctx: PageContext, what: string): string {
    return page(ctx, what, `<h1>${esc(what)}</h1><p class="note">Asking the language server…</p>`);
}

/** The page for a command's result; `request` is what was sent (uri, layer, head, …). */
export function resultPage<C extends ViewCommand>(ctx: PageContext, command: C, result: ResultOf<C>, request: ParamsOf<C>): { title: string; html: string } {
    const view: View<C> = VIEWS[command];
    const title = view.title(result);
    return { title, html: page(ctx, title, `<h1>${esc(title)}</h1><div class="sub">${esc(result.model)}${view.subtitle(result)}</div>${view.body(result, request)}`) };
}

/** What a panel is called while it loads or when the server answered with an error. */
export function viewName(command: ViewCommand): string {
    return VIEWS[command].name;
}

export function isViewCommand(command: string): command is ViewCommand {
    return Object.prototype.hasOwnProperty.call(VIEWS, command);
}

/** Every command with a picture. */
export const VIEW_COMMANDS: ViewCommand[] = [
    Command.attentionPattern, Command.inspectHead, Command.detectHeads, Command.pathExpansion, Command.attribute, Command.ablate, Command.logitLens,
];

/** A link in a page that runs a server command and draws its result (see SCRIPT and Panels). */
function commandLink<C extends ViewCommand>(command: C, args: ParamsOf<C>, text: string): string {
    return `<span class="link" data-command="${command}" data-args="${esc(JSON.stringify(args))}">${esc(text)}</span>`;
}

const quoted = (s: string) => esc(JSON.stringify(s));

const VIEWS: { [C in ViewCommand]: View<C> } = {
    [Command.attentionPattern]: {
        name: 'Attention',
        title: r => r.heads.length === 1 ? `Attention · ${r.heads[0].label}` : `Attention · layer ${r.layer}`,
        subtitle: r => ` · ${r.tokens.length} tokens · rows are destinations (queries), columns sources (keys); hover a cell`,
        body: r => {
            const m = heatmapModel(r);
            const layout = heatmapLayout(m.tokens.length, m.heads.length > 1 ? 360 : 720);
            return `<div class="key">weight (colour ∝ √weight) ${heatLegendSvg()}</div><div class="grid">${m.heads.map(h => `<div class="head"><h3>${esc(h.label)}</h3>${heatmapSvg(m.tokens, h, layout)}</div>`).join('')}</div>`;
        },
    },
    [Command.inspectHead]: {
        name: 'Head',
        title: r => `Head ${r.label}`,
        subtitle: r => ` · ${r.tokens.length} tokens · rows are destinations (queries), columns sources (keys); hover a cell`,
        body: (r, req) => {
            const m = heatmapModel(r);
            const parts = [`<h2>Detector scores</h2>${barChartSvg(scoreBars(r.scores, r.scores.ov_copying_score), { domain: [Math.min(0, r.scores.ov_copying_score), 1] })}`];
            const trig = skipTrigramLines(r.scores.skip_trigrams ?? []);
            if (trig.length) {
                parts.push(`<h2>Top skip-trigrams</h2><table><tr><th>[source] … [destination] → [out]</th><th>score</th></tr>${trig.map(t =>
                    `<tr><td><code>${esc(t.text)}</code></td><td class="num">${fmt(t.score, 2)}</td></tr>`).join('')}</table>`);
            }
            const comp = compositionBars(r.composition);
            if (comp.length) parts.push(`<h2>Composition</h2>${barChartSvg(comp)}`);
            if (r.qk_note) parts.push(`<p class="key">${esc(r.qk_note)}</p>`);
            parts.push(`<h2>Attention pattern on this prompt</h2><div class="key">colour ∝ √weight: ${heatLegendSvg()}</div>${heatmapSvg(m.tokens, m.heads[0])}`);
            parts.push(`<p>${commandLink(Command.attentionPattern, { uri: req.uri, layer: r.layer }, `All heads of layer ${r.layer}`)}</p>`);
            return parts.join('');
        },
    },
    [Command.detectHeads]: {
        name: 'Heads overview',
        title: () => 'Heads overview',
        subtitle: r => ` · scores on this prompt (${r.tokens.length} tokens); click a head to inspect it`,
        body: (r, req) => {
            const head = `<tr><th>head</th>${DETECTORS.map(([, n]) => `<th>${esc(n)}</th>`).join('')}<th>copying</th></tr>`;
            const cell = (v: number | undefined) => `<td class="score s${Math.round(Math.max(0, Math.min(1, v ?? 0)) * 10)}">${v === undefined || v == null ? '—' : fmt(v, 2)}</td>`;
            return `<table id="heads">${head}${headRows(r).map(h => `<tr><td>${commandLink(Command.inspectHead, { uri: req.uri, layer: h.layer, head: h.head }, h.label)}</td>${h.scores.map(cell).join('')}<td class="num">${fmt(h.copying ?? 0, 2)}</td></tr>`).join('')}</table>`;
        },
    },
    [Command.pathExpansion]: {
        name: 'Path expansion',
        title: r => `Path expansion of ${JSON.stringify(r.target.text)}`,
        subtitle: r => ` · logit ${fmt(r.logit)} = Σ ${r.n_terms} terms`,
        body: r => {
            const bars = pathExpansionBars(r);
            return bars.length ? barChartSvg(bars, { unit: 'logit', width: 720 }) : '<p class="note">No terms in the answer.</p>';
        },
    },
    [Command.attribute]: {
        name: 'Attribution',
        title: r => `Attribution of ${JSON.stringify(r.target.text)}`,
        subtitle: r => r.method === 'direct'
            ? ` · direct logit attribution at position ${r.position} · ${r.contrast ? `logit − logit of ${quoted(r.contrast.text)}` : 'logit'} ${fmt(r.value)}`
            : ` · ${esc(r.method)} at position ${r.position} · log p ${fmt(r.logprob)}${r.completeness_error == null ? '' : ` · completeness error ${fmt(r.completeness_error)}`}`,
        body: r => {
            if (r.method !== 'direct') return `<h2>Source tokens</h2>${coloredTokensHtml(gradientTokens(r))}`;
            const heads = r.heads.map(h => ({ label: h.label, value: h.total }));
            return `<h2>Source tokens (sum over heads)</h2>${coloredTokensHtml(attributionTokens(r))}<h2>Heads</h2>${barChartSvg(heads, { unit: 'logit' })}`;
        },
    },
    [Command.ablate]: {
        name: 'Ablation',
        title: r => `Ablation of ${r.heads.join(', ')}`,
        subtitle: r => ` · ${r.mode} ablation · mean loss ${fmt(r.mean_loss)} → ${fmt(r.ablated_mean_loss)} nats`,
        body: r => `<h2>Change in log-probability of each token</h2>${coloredTokensHtml(ablationTokens(r))}`,
    },
    [Command.logitLens]: {
        name: 'Logit lens',
        title: r => `Logit lens for ${JSON.stringify(r.target.text)}`,
        subtitle: r => ` · prediction after position ${r.position}`,
        body: r => `<table id="lens"><tr><th>residual stream</th><th>rank of ${quoted(r.target.text)}</th><th>log p</th><th>top predictions</th></tr>${r.layers.map(l =>
            `<tr><td><code>${esc(l.hook)}</code></td><td class="num">${l.target_rank}</td><td class="num">${fmt(l.target_logprob, 2)}</td><td>${l.top.map(t =>
                `<code>${quoted(tokenLabel(t.text))}</code> ${fmt(100 * t.prob, 1)}%`).join(' · ')}</td></tr>`).join('')}</table>`,
    },
};

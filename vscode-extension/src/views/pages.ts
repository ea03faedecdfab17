// Which commands have a picture, and the two pages the extension still makes itself: "loading"
// while the server works and the error page for when the render request itself fails. Every
// picture is drawn by the server (circuitscope/render). Pure (no vscode import).
import { Command, CommandId, RenderedPage, RenderMethod } from '../protocol';

/** The commands whose answers are pictures (predict's are shown in the editor itself). */
export type ViewCommand = Exclude<CommandId, typeof Command.predict>;

/** What a panel is called before the server's page names it. */
const NAMES: { [C in ViewCommand]: string } = {
    [Command.attentionPattern]: 'Attention',
    [Command.inspectHead]: 'Head',
    [Command.detectHeads]: 'Heads overview',
    [Command.pathExpansion]: 'Path expansion',
    [Command.attribute]: 'Attribution',
    [Command.ablate]: 'Ablation',
    [Command.logitLens]: 'Logit lens',
    [Command.compositionScores]: 'Composition scores',
    [Command.termImportance]: 'Term importance',
    [Command.featureCard]: 'Feature',
    [Command.scanExamples]: 'Corpus examples',
};

/** Every command with a picture. */
export const VIEW_COMMANDS = Object.keys(NAMES) as ViewCommand[];

export function isViewCommand(command: string): command is ViewCommand {
    return Object.prototype.hasOwnProperty.call(NAMES, command);
}

export function viewName(command: ViewCommand): string {
    return NAMES[command];
}

/** The policy of every page in a panel: the nonce'd inline style and script, data: images, nothing else. */
export function csp(nonce: string): string {
    return `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; img-src data:`;
}

function cspMeta(nonce: string): string {
    return `<meta http-equiv="Content-Security-Policy" content="${csp(nonce)}">`;
}

/**
 * The server's page with this extension's policy as the first element of its head. A second
 * policy can only narrow the first (the browser enforces both), so whatever the server sent, the
 * panel runs no script and loads nothing but what carries the nonce.
 */
export function withCsp(html: string, nonce: string): string {
    const head = /<head(\s[^>]*)?>/i.exec(html);
    if (head) return html.slice(0, head.index + head[0].length) + cspMeta(nonce) + html.slice(head.index + head[0].length);
    return `<!DOCTYPE html><html><head>${cspMeta(nonce)}</head><body>${html}</body></html>`;
}

/** The render request's answer, checked: a clear message when it is not a page. */
export function asPage(answer: unknown): RenderedPage {
    const a = answer as Partial<RenderedPage> | null | undefined;
    if (!a || typeof a !== 'object' || typeof a.html !== 'string' || typeof a.title !== 'string') {
        throw new Error(`the server's ${RenderMethod} answer is not a page ({title, html}): ${JSON.stringify(answer)?.slice(0, 200)}`);
    }
    return { title: a.title, html: a.html };
}

export function esc(s: unknown): string {
    return String(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `body { font-family: var(--vscode-font-family, sans-serif); color: var(--vscode-foreground, #333); background: var(--vscode-editor-background, #fff); padding: 8px 16px; }
h1 { font-size: 1.3em; }
.note { color: var(--vscode-descriptionForeground, #777); font-style: italic; }
.error { color: var(--vscode-errorForeground, #c33); border-left: 3px solid var(--vscode-errorForeground, #c33); padding: 6px 10px; white-space: pre-wrap; }`;

function page(nonce: string, title: string, body: string): string {
    return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">${cspMeta(nonce)}
<title>${esc(title)}</title><style nonce="${nonce}">${STYLE}</style></head><body>${body}</body></html>`;
}

export function loadingPage(nonce: string, what: string): string {
    return page(nonce, what, `<h1>${esc(what)}</h1><p class="note" id="loading">Asking the language server…</p>`);
}

/** For when the render request fails (the server drew no page, e.g. it is not running). */
export function errorPage(nonce: string, what: string, message: string): string {
    return page(nonce, what, `<h1>${esc(what)}</h1><div class="error" id="error">${esc(message)}</div>`);
}

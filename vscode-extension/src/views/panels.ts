// Webview panels: one per kind of picture, reused; each shows "loading", then the drawing or
// the server's error message. Scripts are on (tooltips) but no local or remote resource loads.
import * as crypto from 'crypto';
import * as vscode from 'vscode';
import type { ParamsOf, ResultOf } from '../protocol';
import { errorPage, loadingPage, PageContext, resultPage, ViewCommand, viewName } from './pages';

/** A click on a command link in a page: the command and its arguments, as the page posted them. */
export type MessageHandler = (command: string, args: unknown) => void;

export class Panels implements vscode.Disposable {
    private readonly open = new Map<ViewCommand, vscode.WebviewPanel>();
    /** Where pictures go: beside the prompt the first time, then the column the user left them in. */
    private column: vscode.ViewColumn | undefined;

    constructor(private readonly onMessage: MessageHandler) {}

    private panel(view: ViewCommand, title: string): vscode.WebviewPanel {
        let p = this.open.get(view);
        if (!p) {
            // The command id is also the panel's view type (circuitscope.attentionPattern, …).
            p = vscode.window.createWebviewPanel(view, title, { viewColumn: this.columnForNew(), preserveFocus: false }, {
                enableScripts: true,
                localResourceRoots: [],
                enableFindWidget: true,
            });
            p.webview.onDidReceiveMessage(m => { if (m && typeof m.command === 'string') this.onMessage(m.command, m.args); });
            p.onDidDispose(() => this.open.delete(view));
            p.onDidChangeViewState(e => { if (e.webviewPanel.viewColumn !== undefined) this.column = e.webviewPanel.viewColumn; });
            if (p.viewColumn !== undefined) this.column = p.viewColumn;
            this.open.set(view, p);
        } else {
            p.reveal(undefined, false);
        }
        p.title = title;
        return p;
    }

    private columnForNew(): vscode.ViewColumn {
        const open = [...this.open.values()].find(p => p.viewColumn !== undefined);
        return open?.viewColumn ?? this.column ?? vscode.ViewColumn.Beside;
    }

    private ctx(p: vscode.WebviewPanel): PageContext {
        return { nonce: crypto.randomBytes(16).toString('base64'), cspSource: p.webview.cspSource };
    }

    /** Shows "loading" at once, then the result of `work` drawn, or its error message. */
    async show<C extends ViewCommand>(view: C, request: ParamsOf<C>, work: Promise<ResultOf<C>>): Promise<void> {
        const what = viewName(view);
        const p = this.panel(view, what);
        p.webview.html = loadingPage(this.ctx(p), what);
        try {
            const result = await work;
            const { title, html } = resultPage(this.ctx(p), view, result, request);
            p.title = title;
            p.webview.html = html;
        } catch (e) {
            p.webview.html = errorPage(this.ctx(p), what, e instanceof Error ? e.message : String(e));
        }
    }

    dispose(): void {
        for (const p of this.open.values()) p.dispose();
        this.open.clear();
    }
}

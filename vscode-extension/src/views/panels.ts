// Webview panels: one per kind of picture, reused. The pages come from the server (PanelContent
// says in which order); scripts are on for the pages' links, which post {command, args} back
// here, and no local or remote resource loads.
import * as vscode from 'vscode';
import { PanelContent, Render } from './panelContent';
import { ViewCommand, viewName } from './pages';

/** A click on a command link in a page: the command and its arguments, as the page posted them. */
export type MessageHandler = (command: string, args: unknown) => void;

interface OpenPanel { panel: vscode.WebviewPanel; content: PanelContent }

export class Panels implements vscode.Disposable {
    private readonly open = new Map<ViewCommand, OpenPanel>();
    /** Where pictures go: beside the prompt the first time, then the column the user left them in. */
    private column: vscode.ViewColumn | undefined;

    constructor(private readonly onMessage: MessageHandler) {}

    private panel(view: ViewCommand): OpenPanel {
        let p = this.open.get(view);
        if (!p) {
            // The command id is also the panel's view type (circuitscope.attentionPattern, …).
            const panel = vscode.window.createWebviewPanel(view, viewName(view), { viewColumn: this.columnForNew(), preserveFocus: false }, {
                enableScripts: true,
                localResourceRoots: [],
                enableFindWidget: true,
            });
            panel.webview.onDidReceiveMessage(m => { if (m && typeof m.command === 'string') this.onMessage(m.command, m.args); });
            panel.onDidDispose(() => this.open.delete(view));
            panel.onDidChangeViewState(e => { if (e.webviewPanel.viewColumn !== undefined) this.column = e.webviewPanel.viewColumn; });
            if (panel.viewColumn !== undefined) this.column = panel.viewColumn;
            const content = new PanelContent({ setTitle: t => { panel.title = t; }, setHtml: h => { panel.webview.html = h; } });
            p = { panel, content };
            this.open.set(view, p);
        } else {
            p.panel.reveal(undefined, false);
        }
        return p;
    }

    private columnForNew(): vscode.ViewColumn {
        const open = [...this.open.values()].find(p => p.panel.viewColumn !== undefined);
        return open?.panel.viewColumn ?? this.column ?? vscode.ViewColumn.Beside;
    }

    /** Shows "loading" at once, then the server's page for `view`, or why there is none. */
    show(view: ViewCommand, render: Render): Promise<boolean> {
        return this.panel(view).content.show(viewName(view), render);
    }

    dispose(): void {
        for (const p of this.open.values()) p.panel.dispose();
        this.open.clear();
    }
}

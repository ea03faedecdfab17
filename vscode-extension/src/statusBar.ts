// The status bar item of a prompt: model and mean loss from the server's documentStatus request
// (text in status.ts), asked again after edits and while the answer is for an older version.
import * as vscode from 'vscode';
import type { ServerClient } from './client';
import { Palette } from './palette';
import { isPrompt } from './promptEditors';
import { isStale, statusView } from './status';

/** Asked again at most this many times while the server still reports an older version. */
const STALE_RETRIES = 10;

export class StatusBar implements vscode.Disposable {
    private readonly item = vscode.window.createStatusBarItem('circuitscope.status', vscode.StatusBarAlignment.Right, 100);
    private readonly subscriptions: vscode.Disposable[];
    private timer: NodeJS.Timeout | undefined;
    /** Counts requests, so that an answer overtaken by a later request is dropped. */
    private asked = 0;
    /** The document the item speaks of: another one starts from the plain text, not the last prompt's loss. */
    private shownFor: string | undefined;

    constructor(private readonly client: ServerClient, private readonly output: vscode.OutputChannel) {
        this.item.name = 'Circuitscope';
        this.item.command = Palette.detectHeads;
        this.subscriptions = [
            vscode.window.onDidChangeActiveTextEditor(() => this.refresh()),
            vscode.workspace.onDidChangeTextDocument(e => { if (e.document.languageId === 'prompt') this.refresh(); }),
        ];
    }

    /** Asks the server after `delay` ms (edits come in bursts: the last one wins). */
    refresh(delay = 800, retries = STALE_RETRIES): void {
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.update(retries), delay);
    }

    private async update(retries: number): Promise<void> {
        const e = vscode.window.activeTextEditor;
        if (!isPrompt(e)) {
            // Keep the item while a picture has the focus; hide it in other editors.
            if (e) this.item.hide();
            return;
        }
        const uri = this.client.uri(e.document);
        if (uri !== this.shownFor || !this.client.running) this.show(statusView(undefined));
        this.shownFor = uri;
        if (!this.client.running) return;
        const ask = ++this.asked;
        try {
            const s = await this.client.documentStatus(uri);
            if (ask !== this.asked) return;
            this.show(statusView(s));
            if (isStale(s, e.document.version) && retries > 0) this.refresh(800, retries - 1);
        } catch (err) {
            this.output.appendLine(`status: ${err instanceof Error ? err.message : err}`);
        }
    }

    private show(v: { text: string; tooltip: string }): void {
        this.item.text = v.text;
        this.item.tooltip = v.tooltip;
        this.item.show();
    }

    dispose(): void {
        if (this.timer) clearTimeout(this.timer);
        this.subscriptions.forEach(s => s.dispose());
        this.item.dispose();
    }
}

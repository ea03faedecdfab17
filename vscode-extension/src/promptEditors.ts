// Which prompt editor the palette commands act on: the active one, or, while a picture has the
// focus (its links run commands too), the last prompt editor still open.
import * as vscode from 'vscode';

export class PromptEditors implements vscode.Disposable {
    private last: vscode.TextEditor | undefined;
    private readonly subscription: vscode.Disposable;

    constructor() {
        const a = vscode.window.activeTextEditor;
        if (isPrompt(a)) this.last = a;
        this.subscription = vscode.window.onDidChangeActiveTextEditor(e => { if (isPrompt(e)) this.last = e; });
    }

    current(): vscode.TextEditor | undefined {
        const a = vscode.window.activeTextEditor;
        if (isPrompt(a)) return a;
        return this.last && !this.last.document.isClosed ? this.last : undefined;
    }

    dispose(): void {
        this.subscription.dispose();
    }
}

export function isPrompt(e: vscode.TextEditor | undefined): e is vscode.TextEditor {
    return e?.document.languageId === 'prompt';
}

// The Circuitscope VS Code client: starts the bundled language server on Java 25, forwards the
// editor features, and shows the pictures the server draws in webviews. The server computes
// and draws; the client launches, asks and shows. This file only wires the pieces together.
import * as vscode from 'vscode';
import { ServerClient } from './client';
import { registerCommands } from './commands';
import { Pictures } from './pictures';
import { PromptEditors } from './promptEditors';
import { StatusBar } from './statusBar';

let client: ServerClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    const output = vscode.window.createOutputChannel('Circuitscope');
    const server: ServerClient = new ServerClient(context, output, {
        drawCommand: (command, args) => pictures.drawUntyped(command, args),
        running: () => statusBar.refresh(500),
    });
    const pictures: Pictures = new Pictures(server, output);
    const statusBar: StatusBar = new StatusBar(server, output);
    const prompts = new PromptEditors();
    context.subscriptions.push(output, pictures, statusBar, prompts);
    registerCommands(context, server, pictures, prompts);
    client = server;
    await server.start();
    statusBar.refresh();
}

export async function deactivate(): Promise<void> {
    await client?.stop();
}

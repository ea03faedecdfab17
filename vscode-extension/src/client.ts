// The LanguageClient: starts the server (launch.ts), restarts it once after a crash, and is the
// one place requests go through, typed by protocol.ts.
import * as vscode from 'vscode';
import {
    CloseAction, ErrorAction, LanguageClient, LanguageClientOptions, State,
} from 'vscode-languageclient/node';
import { serverLaunch } from './launch';
import { Palette } from './palette';
import {
    CommandId, DocumentStatus, DocumentStatusMethod, ParamsOf, PICTURES_IN_WEBVIEWS, Position, RenderedPage, RenderMethod, RenderParams,
    requestMethod, ResultOf,
} from './protocol';
import { isViewCommand, VIEW_COMMANDS, ViewCommand } from './views/pages';

export interface ClientHooks {
    /** A code lens or hover link ran a server command with a picture: show it. */
    drawCommand(command: ViewCommand, args: unknown): Promise<unknown>;
    /** The server is (again) running. */
    running(): void;
}

export class ServerClient {
    private client: LanguageClient | undefined;

    constructor(private readonly context: vscode.ExtensionContext, private readonly output: vscode.OutputChannel, private readonly hooks: ClientHooks) {
        context.subscriptions.push(vscode.workspace.onDidChangeConfiguration(e => {
            if (e.affectsConfiguration('circuitscope.java.home')) {
                void vscode.window.showInformationMessage('circuitscope.java.home changed: restart the language server to use it.', 'Restart')
                    .then(a => { if (a) void vscode.commands.executeCommand(Palette.restartServer); });
            }
        }));
    }

    get running(): boolean {
        return this.client?.state === State.Running;
    }

    async start(): Promise<void> {
        const setting = vscode.workspace.getConfiguration('circuitscope').get<string>('java.home');
        const launch = await serverLaunch(p => this.context.asAbsolutePath(p), setting, line => this.output.appendLine(line));
        if (!launch.ok) {
            this.output.appendLine(launch.message);
            const act = await vscode.window.showErrorMessage(launch.message, ...(launch.openJavaSetting ? ['Open Setting'] : []));
            if (act) void vscode.commands.executeCommand('workbench.action.openSettings', 'circuitscope.java.home');
            return;
        }
        this.output.appendLine(`Starting the server with ${launch.description}: ${launch.command} ${launch.args.join(' ')}`);
        const client = new LanguageClient('circuitscope', 'Circuitscope', { command: launch.command, args: launch.args, options: { env: process.env } }, this.options());
        client.onDidChangeState(e => { if (e.newState === State.Running) this.hooks.running(); });
        this.client = client;
        try {
            await client.start();
        } catch (e) {
            const why = e instanceof Error ? e.message : String(e);
            this.output.appendLine(`The server did not start: ${why}`);
            void vscode.window.showErrorMessage(`Circuitscope: the language server did not start (${why}). See the "Circuitscope" output.`);
        }
    }

    private options(): LanguageClientOptions {
        let restarts = 0;
        return {
            documentSelector: [{ language: 'prompt' }],
            synchronize: { configurationSection: 'circuitscope' },
            // pictures: "webview": hover and code lens links stay command: links, drawn in this extension's panels.
            initializationOptions: { circuitscope: vscode.workspace.getConfiguration('circuitscope'), ...PICTURES_IN_WEBVIEWS },
            outputChannel: this.output,
            // The server's Markdown (hovers) may link to the commands whose results are drawn.
            markdown: { isTrusted: { enabledCommands: VIEW_COMMANDS }, supportHtml: false },
            errorHandler: {
                error: (_e, _m, count) => ({ action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true }),
                closed: () => {
                    if (restarts < 1) {
                        restarts++;
                        this.output.appendLine('The server stopped unexpectedly; restarting it once.');
                        void vscode.window.showWarningMessage('Circuitscope: the language server stopped unexpectedly and was restarted. Its log is in the "Circuitscope" output.');
                        return { action: CloseAction.Restart, handled: true };
                    }
                    void vscode.window.showErrorMessage('Circuitscope: the language server stopped again and was not restarted. See the "Circuitscope" output, then run "Circuitscope: Restart Language Server".', 'Show Output')
                        .then(a => { if (a) this.output.show(); });
                    return { action: CloseAction.DoNotRestart, handled: true };
                },
            },
            middleware: {
                // Code lenses and hover links name server commands: show their pictures instead of discarding the answers.
                executeCommand: async (command, args, next) => isViewCommand(command) ? this.hooks.drawCommand(command, args?.[0] ?? {}) : next(command, args),
            },
        };
    }

    /** Restarts a running server, or starts one that never started. */
    async restart(): Promise<void> {
        if (this.client) await this.client.restart();
        else await this.start();
    }

    async stop(): Promise<void> {
        if (this.client) await this.client.stop();
    }

    /** A document's URI as the server knows it. */
    uri(document: vscode.TextDocument): string {
        return this.client ? this.client.code2ProtocolConverter.asUri(document.uri) : document.uri.toString();
    }

    position(p: vscode.Position): Position {
        return { line: p.line, character: p.character };
    }

    request<C extends CommandId>(command: C, params: ParamsOf<C>): Promise<ResultOf<C>> {
        if (!this.client) return Promise.reject(new Error('the language server is not running'));
        return this.client.sendRequest<ResultOf<C>>(requestMethod(command), params);
    }

    /** The server runs the command and draws its answer (or its error) as a page. */
    render<C extends CommandId>(params: RenderParams<C>): Promise<RenderedPage> {
        if (!this.client) return Promise.reject(new Error('the language server is not running'));
        return this.client.sendRequest<RenderedPage>(RenderMethod, params);
    }

    documentStatus(uri: string): Promise<DocumentStatus> {
        if (!this.client) return Promise.reject(new Error('the language server is not running'));
        return this.client.sendRequest<DocumentStatus>(DocumentStatusMethod, { uri });
    }
}

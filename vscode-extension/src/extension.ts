// The Circuitscope VS Code client: starts the bundled language server on Java 25, forwards the
// editor features, and draws the server's command results in webviews. The server computes;
// this file only launches, asks and draws.
import * as cp from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as vscode from 'vscode';
import {
    CloseAction, ErrorAction, LanguageClient, LanguageClientOptions, ServerOptions, State,
} from 'vscode-languageclient/node';
import { AotCache, aotCacheFile, cacheRoot, findJava, javaCandidates, serverArgs, THP_SETTING, transparentHugePages } from './java';
import { BUILT_IN_JVM_OPTIONS, jvmOptions } from './jvmOptions';
import { DocumentStatus, DocumentStatusMethod } from './protocol';
import { isStale, statusView } from './status';
import { headDescription, HeadRow, layersAndHeads } from './views/draw';
import { isViewCommand, VIEW_COMMANDS } from './views/pages';
import { Panels } from './views/panels';

const SERVER_COMMANDS = VIEW_COMMANDS;

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let panels: Panels;
let statusItem: vscode.StatusBarItem;
let lastPrompt: vscode.TextEditor | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    output = vscode.window.createOutputChannel('Circuitscope');
    panels = new Panels((command, args) => void showServerCommand(command, args));
    statusItem = vscode.window.createStatusBarItem('circuitscope.status', vscode.StatusBarAlignment.Right, 100);
    statusItem.name = 'Circuitscope';
    statusItem.command = 'circuitscope.ui.detectHeads';
    context.subscriptions.push(output, panels, statusItem);

    const reg = (id: string, f: (...a: any[]) => any) => context.subscriptions.push(vscode.commands.registerCommand(id, f));
    reg('circuitscope.ui.inspectHead', inspectHeadCommand);
    reg('circuitscope.ui.attentionPattern', attentionCommand);
    reg('circuitscope.ui.pathExpansion', () => positionCommand('circuitscope.pathExpansion'));
    reg('circuitscope.ui.attribute', () => positionCommand('circuitscope.attribute', { method: 'direct' }));
    reg('circuitscope.ui.logitLens', () => positionCommand('circuitscope.logitLens'));
    reg('circuitscope.ui.detectHeads', () => withPrompt(e => showServerCommand('circuitscope.detectHeads', { uri: uriOf(e) })));
    reg('circuitscope.ui.ablate', ablateCommand);
    reg('circuitscope.ui.restartServer', async () => { if (client) await client.restart(); else await startClient(context); });

    context.subscriptions.push(
        vscode.window.onDidChangeActiveTextEditor(e => { if (e?.document.languageId === 'prompt') lastPrompt = e; scheduleStatus(); }),
        vscode.workspace.onDidChangeTextDocument(e => { if (e.document.languageId === 'prompt') scheduleStatus(); }),
        vscode.workspace.onDidChangeConfiguration(e => {
            if (e.affectsConfiguration('circuitscope.java.home')) {
                void vscode.window.showInformationMessage('circuitscope.java.home changed: restart the language server to use it.', 'Restart')
                    .then(a => { if (a) void vscode.commands.executeCommand('circuitscope.ui.restartServer'); });
            }
        }),
    );
    if (vscode.window.activeTextEditor?.document.languageId === 'prompt') lastPrompt = vscode.window.activeTextEditor;
    await startClient(context);
    scheduleStatus();
}

export async function deactivate(): Promise<void> {
    if (client) await client.stop();
}

// ------------------------------------------------------------------ launching the server

/** The server jar and its JVM options file (see jvmOptions.ts), or undefined when the jar is missing. */
function serverFiles(context: vscode.ExtensionContext): { jar: string; options: string } | undefined {
    // Packaged: server/ inside the extension holds both. From a checkout: the Maven build's jar and the repository's file.
    const packaged = { jar: context.asAbsolutePath('server/circuitscope.jar'), options: context.asAbsolutePath('server/jvm.options') };
    const checkout = { jar: context.asAbsolutePath('../server/target/circuitscope.jar'), options: context.asAbsolutePath('../server/jvm.options') };
    return [packaged, checkout].find(f => fs.existsSync(f.jar));
}

const probe = {
    isFile: (p: string) => { try { return fs.statSync(p).isFile(); } catch { return false; } },
    versionText: (exe: string) => new Promise<string | undefined>(resolve => {
        cp.execFile(exe, ['-version'], { timeout: 15000 }, (err, stdout, stderr) => resolve(err && !stderr ? undefined : `${stderr}${stdout}`));
    }),
};

/** The server's start-up cache for this jar and java, or none when the jar cannot be read. */
function startupCache(jar: string, javaExecutable: string): AotCache | undefined {
    try {
        const st = fs.statSync(jar);
        const file = aotCacheFile(cacheRoot(process.env, os.homedir()), jar, st.size, st.mtimeMs, javaExecutable);
        return { file, exists: fs.existsSync(file) };
    } catch {
        return undefined;
    }
}

/** A small system file's text, or undefined where there is none (e.g. Linux's sysfs elsewhere). */
function readIfThere(file: string): string | undefined {
    try {
        return fs.readFileSync(file, 'utf8');
    } catch {
        return undefined;
    }
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
    const files = serverFiles(context);
    if (!files) {
        void vscode.window.showErrorMessage('Circuitscope: the server jar is missing from the extension (server/circuitscope.jar); reinstall the .vsix.');
        return;
    }
    const setting = vscode.workspace.getConfiguration('circuitscope').get<string>('java.home');
    const java = await findJava(javaCandidates(setting, process.env, process.platform), probe);
    if (!java.ok) {
        output.appendLine(java.message);
        const act = await vscode.window.showErrorMessage(java.message, 'Open Setting');
        if (act) void vscode.commands.executeCommand('workbench.action.openSettings', 'circuitscope.java.home');
        return;
    }
    const { jar } = files;
    let optionsText = readIfThere(files.options);
    if (optionsText === undefined) {
        output.appendLine(`${files.options} is missing: starting the server with the built-in JVM options.`);
        optionsText = BUILT_IN_JVM_OPTIONS;
    }
    const options = jvmOptions(optionsText, { lsp: true, thp: transparentHugePages(readIfThere(THP_SETTING)) }, files.options);
    const args = serverArgs(jar, options, startupCache(jar, java.executable));
    output.appendLine(`Starting the server with Java ${java.major} (${java.source}): ${java.executable} ${args.join(' ')}`);
    const serverOptions: ServerOptions = { command: java.executable, args, options: { env: process.env } };
    let restarts = 0;
    const clientOptions: LanguageClientOptions = {
        documentSelector: [{ language: 'prompt' }],
        synchronize: { configurationSection: 'circuitscope' },
        initializationOptions: { circuitscope: vscode.workspace.getConfiguration('circuitscope') },
        outputChannel: output,
        markdown: { isTrusted: { enabledCommands: SERVER_COMMANDS }, supportHtml: false },
        errorHandler: {
            error: (_e, _m, count) => ({ action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true }),
            closed: () => {
                if (restarts < 1) {
                    restarts++;
                    output.appendLine('The server stopped unexpectedly; restarting it once.');
                    void vscode.window.showWarningMessage('Circuitscope: the language server stopped unexpectedly and was restarted. Its log is in the "Circuitscope" output.');
                    return { action: CloseAction.Restart, handled: true };
                }
                void vscode.window.showErrorMessage('Circuitscope: the language server stopped again and was not restarted. See the "Circuitscope" output, then run "Circuitscope: Restart Language Server".', 'Show Output')
                    .then(a => { if (a) output.show(); });
                return { action: CloseAction.DoNotRestart, handled: true };
            },
        },
        middleware: {
            // Code lenses and hover links name server commands: draw their results instead of discarding them.
            executeCommand: async (command, args, next) => {
                if (isViewCommand(command)) return showServerCommand(command, args?.[0] ?? {});
                return next(command, args);
            },
        },
    };
    client = new LanguageClient('circuitscope', 'Circuitscope', serverOptions, clientOptions);
    client.onDidChangeState(e => { if (e.newState === State.Running) scheduleStatus(500); });
    try {
        await client.start();
    } catch (e: any) {
        output.appendLine(`The server did not start: ${e?.message ?? e}`);
        void vscode.window.showErrorMessage(`Circuitscope: the language server did not start (${e?.message ?? e}). See the "Circuitscope" output.`);
    }
}

// ------------------------------------------------------------------ commands and pictures

function uriOf(e: vscode.TextEditor): string {
    return client ? client.code2ProtocolConverter.asUri(e.document.uri) : e.document.uri.toString();
}

function promptEditor(): vscode.TextEditor | undefined {
    const a = vscode.window.activeTextEditor;
    if (a?.document.languageId === 'prompt') return a;
    // A webview has the focus when a picture's link is used: fall back to the last prompt editor still open.
    return lastPrompt && !lastPrompt.document.isClosed ? lastPrompt : undefined;
}

async function withPrompt<T>(f: (e: vscode.TextEditor) => Promise<T>): Promise<T | undefined> {
    const e = promptEditor();
    if (!e) {
        void vscode.window.showWarningMessage('Circuitscope: open a prompt file (.prompt) first.');
        return undefined;
    }
    if (!client || client.state !== State.Running) {
        void vscode.window.showWarningMessage('Circuitscope: the language server is not running (see the "Circuitscope" output).');
        return undefined;
    }
    return f(e);
}

function request(command: string, args: any): Promise<any> {
    if (!client) return Promise.reject(new Error('the language server is not running'));
    return client.sendRequest(command.replace('.', '/'), args);
}

/** Runs a server command and draws its result (or error) in the panel for its kind. */
async function showServerCommand(command: string, args: any): Promise<any> {
    if (!isViewCommand(command)) return undefined;
    const work = request(command, args);
    work.catch(e => output.appendLine(`${command} ${JSON.stringify(args)}: ${e?.message ?? e}`));
    await panels.show(command, args, work);
    return work.catch(() => undefined);
}

async function heads(e: vscode.TextEditor): Promise<Map<number, HeadRow[]>> {
    return layersAndHeads(await request('circuitscope.detectHeads', { uri: uriOf(e) }));
}

async function pickLayer(layers: Map<number, HeadRow[]>): Promise<number | undefined> {
    const items = [...layers.entries()].map(([l, rows]) => ({
        label: `Layer ${l}`, layer: l,
        description: `${rows.length} heads`,
        detail: rows.map(r => `${r.label}: ${headDescription(r)}`).slice(0, 4).join(' · '),
    }));
    if (items.length === 1) return items[0].layer;
    return (await vscode.window.showQuickPick(items, { title: 'Circuitscope: layer', placeHolder: 'Choose a layer' }))?.layer;
}

async function pickHead(rows: HeadRow[], allowAll: boolean): Promise<HeadRow | 'all' | undefined> {
    const items: (vscode.QuickPickItem & { row?: HeadRow })[] = rows.map(r => ({ label: r.label, description: headDescription(r), row: r }));
    if (allowAll) items.unshift({ label: 'All heads', description: `${rows.length} heads side by side` });
    const pick = await vscode.window.showQuickPick(items, { title: 'Circuitscope: head', placeHolder: 'Choose a head' });
    return pick ? pick.row ?? 'all' : undefined;
}

async function inspectHeadCommand(): Promise<void> {
    await withPrompt(async e => {
        const layers = await guarded(heads(e));
        if (!layers) return;
        const layer = await pickLayer(layers);
        if (layer === undefined) return;
        const h = await pickHead(layers.get(layer)!, false);
        if (h && h !== 'all') await showServerCommand('circuitscope.inspectHead', { uri: uriOf(e), layer, head: h.head });
    });
}

async function attentionCommand(): Promise<void> {
    await withPrompt(async e => {
        const layers = await guarded(heads(e));
        if (!layers) return;
        const layer = await pickLayer(layers);
        if (layer === undefined) return;
        const h = await pickHead(layers.get(layer)!, true);
        if (!h) return;
        await showServerCommand('circuitscope.attentionPattern', h === 'all' ? { uri: uriOf(e), layer } : { uri: uriOf(e), layer, head: h.head });
    });
}

async function ablateCommand(): Promise<void> {
    await withPrompt(async e => {
        const layers = await guarded(heads(e));
        if (!layers) return;
        const items = [...layers.values()].flat().map(r => ({ label: r.label, description: headDescription(r), row: r }));
        const picked = await vscode.window.showQuickPick(items, { title: 'Circuitscope: heads to ablate', canPickMany: true, placeHolder: 'Choose one or more heads' });
        if (!picked?.length) return;
        const mode = await vscode.window.showQuickPick([
            { label: 'Zero ablation', description: "the heads' outputs set to 0", mean: false },
            { label: 'Mean ablation', description: 'replaced by their mean over this prompt', mean: true },
        ], { title: 'Circuitscope: ablation' });
        if (!mode) return;
        await showServerCommand('circuitscope.ablate', { uri: uriOf(e), heads: picked.map(p => p.label), mean: mode.mean });
    });
}

async function positionCommand(command: string, extra: object = {}): Promise<void> {
    await withPrompt(async e => {
        const position = client!.code2ProtocolConverter.asPosition(e.selection.active);
        await showServerCommand(command, { uri: uriOf(e), position, ...extra });
    });
}

async function guarded<T>(p: Promise<T>): Promise<T | undefined> {
    try {
        return await p;
    } catch (err: any) {
        void vscode.window.showErrorMessage(`Circuitscope: ${err?.message ?? err}`);
        return undefined;
    }
}

// ------------------------------------------------------------------ status bar

let statusTimer: NodeJS.Timeout | undefined;
let statusAsked = 0;

function scheduleStatus(delay = 800, retries = 10): void {
    if (statusTimer) clearTimeout(statusTimer);
    statusTimer = setTimeout(() => void updateStatus(retries), delay);
}

async function updateStatus(retries: number): Promise<void> {
    const e = vscode.window.activeTextEditor;
    if (!e || e.document.languageId !== 'prompt') {
        // Keep the item while a picture has the focus; hide it in other editors.
        if (e) statusItem.hide();
        return;
    }
    const show = (v: { text: string; tooltip: string }) => { statusItem.text = v.text; statusItem.tooltip = v.tooltip; statusItem.show(); };
    show(statusView(undefined));
    if (!client || client.state !== State.Running) return;
    const ask = ++statusAsked;
    try {
        const s = await client.sendRequest<DocumentStatus>(DocumentStatusMethod, { uri: uriOf(e) });
        if (ask !== statusAsked) return;
        show(statusView(s));
        // The server may answer for the version before the last edits: ask again.
        if (isStale(s, e.document.version) && retries > 0) scheduleStatus(800, retries - 1);
    } catch (err: any) {
        output.appendLine(`status: ${err?.message ?? err}`);
    }
}

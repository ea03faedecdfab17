// The palette commands (palette.ts): each finds the prompt, asks for what the server command
// needs (a layer, a head, heads and a mode, the cursor) and shows the server's picture.
import * as vscode from 'vscode';
import type { ServerClient } from './client';
import { Palette, PaletteId } from './palette';
import type { Pictures } from './pictures';
import type { PromptEditors } from './promptEditors';
import { headDescription, HeadRow, layersAndHeads } from './heads';
import { Command } from './protocol';

export function registerCommands(context: vscode.ExtensionContext, client: ServerClient, pictures: Pictures, prompts: PromptEditors): void {
    const c = new PaletteCommands(client, pictures, prompts);
    const reg = (id: PaletteId, f: () => Promise<unknown>) => context.subscriptions.push(vscode.commands.registerCommand(id, f));
    reg(Palette.inspectHead, () => c.inspectHead());
    reg(Palette.attentionPattern, () => c.attentionPattern());
    reg(Palette.pathExpansion, () => c.atCursor(Command.pathExpansion));
    reg(Palette.attribute, () => c.atCursor(Command.attribute));
    reg(Palette.logitLens, () => c.atCursor(Command.logitLens));
    reg(Palette.detectHeads, () => c.withPrompt(e => pictures.draw(Command.detectHeads, { uri: client.uri(e.document) })));
    reg(Palette.compositionScores, () => c.withPrompt(e => pictures.draw(Command.compositionScores, { uri: client.uri(e.document) })));
    reg(Palette.ablate, () => c.ablate());
    reg(Palette.featureCard, () => c.featureCard());
    reg(Palette.scanExamples, () => c.scanExamples());
    reg(Palette.restartServer, () => client.restart());
}

class PaletteCommands {
    constructor(private readonly client: ServerClient, private readonly pictures: Pictures, private readonly prompts: PromptEditors) {}

    /** Runs `f` on the prompt editor when there is one and the server runs; otherwise says which is missing. */
    async withPrompt<T>(f: (e: vscode.TextEditor) => Promise<T>): Promise<T | undefined> {
        const e = this.prompts.current();
        if (!e) {
            void vscode.window.showWarningMessage('Circuitscope: open a prompt file (.prompt) first.');
            return undefined;
        }
        if (!this.client.running) {
            void vscode.window.showWarningMessage('Circuitscope: the language server is not running (see the "Circuitscope" output).');
            return undefined;
        }
        return f(e);
    }

    /** A command on the token at the cursor (direct attribution for `attribute`). */
    atCursor(command: typeof Command.pathExpansion | typeof Command.attribute | typeof Command.logitLens): Promise<unknown> {
        return this.withPrompt<unknown>(e => {
            const at = { uri: this.client.uri(e.document), position: this.client.position(e.selection.active) };
            return command === Command.attribute ? this.pictures.draw(command, { ...at, method: 'direct' }) : this.pictures.draw(command, at);
        });
    }

    inspectHead(): Promise<unknown> {
        return this.withPrompt(async e => {
            const picked = await this.pickLayerAndHead(e, false);
            if (picked && picked.head !== 'all') await this.pictures.draw(Command.inspectHead, { uri: this.client.uri(e.document), layer: picked.layer, head: picked.head.head });
        });
    }

    attentionPattern(): Promise<unknown> {
        return this.withPrompt(async e => {
            const picked = await this.pickLayerAndHead(e, true);
            if (!picked) return;
            const uri = this.client.uri(e.document);
            await this.pictures.draw(Command.attentionPattern, picked.head === 'all' ? { uri, layer: picked.layer } : { uri, layer: picked.layer, head: picked.head.head });
        });
    }

    /** Asks for a head or an MLP neuron and shows its top examples in the corpus scan the prompt names. */
    scanExamples(): Promise<unknown> {
        return this.withPrompt(async e => {
            const written = await vscode.window.showInputBox({
                title: 'Circuitscope: corpus examples', prompt: 'A head (L1H0 or 1.0) or an MLP neuron (L0N42), from the scan in circuitscope.scanDir or the front matter\'s scan:',
                placeHolder: 'L1H0', validateInput: v => scanUnit(v) ? undefined : 'write a head as L1H0 or 1.0, or a neuron as L0N42',
            });
            const unit = written === undefined ? undefined : scanUnit(written);
            if (unit) await this.pictures.draw(Command.scanExamples, { uri: this.client.uri(e.document), ...unit });
        });
    }

    ablate(): Promise<unknown> {
        return this.withPrompt(async e => {
            const layers = await this.heads(e);
            if (!layers) return;
            const items = [...layers.values()].flat().map(r => ({ label: r.label, description: headDescription(r), row: r }));
            const picked = await vscode.window.showQuickPick(items, { title: 'Circuitscope: heads to ablate', canPickMany: true, placeHolder: 'Choose one or more heads' });
            if (!picked?.length) return;
            const mode = await vscode.window.showQuickPick([
                { label: 'Zero ablation', description: "the heads' outputs set to 0", mean: false },
                { label: 'Mean ablation', description: 'replaced by their mean over this prompt', mean: true },
            ], { title: 'Circuitscope: ablation' });
            if (!mode) return;
            await this.pictures.draw(Command.ablate, { uri: this.client.uri(e.document), heads: picked.map(p => p.label), mean: mode.mean });
        });
    }

    /** Asks for a feature id (`resid0:123`, as the hover lists them) and shows its card. */
    featureCard(): Promise<unknown> {
        return this.withPrompt(async e => {
            const feature = await vscode.window.showInputBox({
                title: 'Circuitscope: feature card', prompt: 'A feature as <sae>:<index> (the hover lists the token\'s features)',
                placeHolder: 'resid0:123', validateInput: v => /^.+:\d+$/.test(v.trim()) ? undefined : 'write <sae>:<index>, e.g. resid0:123',
            });
            if (feature) await this.pictures.draw(Command.featureCard, { uri: this.client.uri(e.document), feature: feature.trim() });
        });
    }

    /** The model's heads by layer (from detectHeads), or undefined after showing the server's error. */
    private async heads(e: vscode.TextEditor): Promise<Map<number, HeadRow[]> | undefined> {
        try {
            return layersAndHeads(await this.client.request(Command.detectHeads, { uri: this.client.uri(e.document) }));
        } catch (err) {
            void vscode.window.showErrorMessage(`Circuitscope: ${err instanceof Error ? err.message : err}`);
            return undefined;
        }
    }

    private async pickLayerAndHead(e: vscode.TextEditor, allowAll: boolean): Promise<{ layer: number; head: HeadRow | 'all' } | undefined> {
        const layers = await this.heads(e);
        if (!layers) return undefined;
        const layer = await pickLayer(layers);
        if (layer === undefined) return undefined;
        const head = await pickHead(layers.get(layer)!, allowAll);
        return head ? { layer, head } : undefined;
    }
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

/** "L1H0" / "1.0" → a head, "L0N42" → a neuron (the server checks both against the model). */
export function scanUnit(text: string): { head: string } | { neuron: string } | undefined {
    const s = text.trim();
    if (/^L?\d+[H.]\d+$/i.test(s)) return { head: s };
    if (/^L\d+N\d+$/i.test(s)) return { neuron: s };
    return undefined;
}

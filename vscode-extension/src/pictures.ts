// Shows a server command's picture in the panel for its kind: the server runs the command and
// draws the page (circuitscope/render); the palette commands, code lenses, hover links and links
// inside pictures all come here.
import * as vscode from 'vscode';
import type { ServerClient } from './client';
import type { ParamsOf } from './protocol';
import { isViewCommand, ViewCommand } from './views/pages';
import { Panels } from './views/panels';

export class Pictures implements vscode.Disposable {
    private readonly panels = new Panels((command, args) => void this.drawUntyped(command, args));

    constructor(private readonly client: ServerClient, private readonly output: vscode.OutputChannel) {}

    /** Shows the command's page; resolves to false when the panel shows an error instead. */
    draw<C extends ViewCommand>(command: C, args: ParamsOf<C>): Promise<boolean> {
        return this.panels.show(command, nonce => {
            const page = this.client.render({ command, args, nonce });
            page.catch(e => this.output.appendLine(`${command} ${JSON.stringify(args)}: ${e instanceof Error ? e.message : e}`));
            return page;
        });
    }

    /**
     * A command named by the server (code lens, hover link) or by a page's link: its arguments
     * are the server's own, passed through as they came.
     */
    drawUntyped(command: string, args: unknown): Promise<unknown> {
        return isViewCommand(command) ? this.draw(command, args as ParamsOf<typeof command>) : Promise.resolve(undefined);
    }

    dispose(): void {
        this.panels.dispose();
    }
}

// Runs a server command and draws its result (or its error) in the panel for its kind; the
// palette commands, code lenses, hover links and links inside pictures all come here.
import * as vscode from 'vscode';
import type { ServerClient } from './client';
import type { ParamsOf, ResultOf } from './protocol';
import { isViewCommand, ViewCommand } from './views/pages';
import { Panels } from './views/panels';

export class Pictures implements vscode.Disposable {
    private readonly panels = new Panels((command, args) => void this.drawUntyped(command, args));

    constructor(private readonly client: ServerClient, private readonly output: vscode.OutputChannel) {}

    /** Draws the command's result; resolves to the result, or undefined when the server answered with an error. */
    async draw<C extends ViewCommand>(command: C, args: ParamsOf<C>): Promise<ResultOf<C> | undefined> {
        const work = this.client.request(command, args);
        work.catch(e => this.output.appendLine(`${command} ${JSON.stringify(args)}: ${e instanceof Error ? e.message : e}`));
        await this.panels.show(command, args, work);
        return work.catch(() => undefined);
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

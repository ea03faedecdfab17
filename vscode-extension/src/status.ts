// The status bar item's text and tooltip for a prompt, from the server's documentStatus answer.
// Pure (no vscode import), so it is unit-tested in Node.
import type { DocumentStatus } from './protocol';

export interface StatusView { text: string; tooltip: string }

const CLICK = 'click for the heads overview';

/** `undefined`: no answer yet (the server is starting, or the request failed). */
export function statusView(s: DocumentStatus | undefined): StatusView {
    if (s?.problem) return { text: '$(warning) circuitscope', tooltip: s.problem };
    if (!s?.model) return { text: '$(pulse) circuitscope', tooltip: `Circuitscope: model and mean loss of this prompt — ${CLICK}` };
    if (s.mean_loss == null) return { text: `$(pulse) ${s.model}`, tooltip: `Circuitscope: ${s.model}, no scored token in this prompt — ${CLICK}` };
    return {
        text: `$(pulse) ${s.model} · loss ${s.mean_loss.toFixed(2)}`,
        tooltip: `Circuitscope: ${s.model}, mean loss ${s.mean_loss.toFixed(3)} nats over ${s.scored} of ${s.n_tokens} tokens — ${CLICK}`,
    };
}

/** Whether an answer is for an older version of the document than the editor shows (ask again later). */
export function isStale(s: DocumentStatus, documentVersion: number): boolean {
    return s.version < documentVersion;
}

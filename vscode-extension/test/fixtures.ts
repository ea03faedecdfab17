// Tokens for the tests, written from the protocol (protocol.ts and issue 12's list
// of result shapes), not captured from a server: one prompt, "Mr and Mrs Dursley", after BOS.
import type { Range, TokenRef } from '../src/protocol';

const TEXTS = ['<|endoftext|>', 'Mr', ' and', ' Mrs', ' D', 'urs', 'ley'];

function range(position: number): Range | undefined {
    if (position === 0) return undefined; // BOS is prepended: no text of the document
    const start = TEXTS.slice(1, position).join('').length;
    return { start: { line: 0, character: start }, end: { line: 0, character: start + TEXTS[position].length } };
}

/** The prompt's token at a model position (0 = BOS). */
export function tok(position: number): TokenRef {
    const r = range(position);
    return { position, id: 1000 + position, text: TEXTS[position], ...(r ? { range: r } : {}) };
}

// Server results for the view tests, written from the protocol (protocol.ts and issue 12's list
// of result shapes), not captured from a server: one prompt, "Mr and Mrs Dursley", after BOS.
import type { DirectAttributionResult, PathExpansionResult, Range, TokenRef } from '../src/protocol';

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

/** Every token of the prompt, BOS first. */
export const TOKENS: TokenRef[] = TEXTS.map((_, p) => tok(p));

/** A chosen target that is not in the prompt. */
export const OUTSIDE: TokenRef = { position: null, id: 4050, text: ' Potter' };

/** Tokens with their own texts (positions 0..n-1), for pattern pictures. */
export function tokensOf(texts: string[]): TokenRef[] {
    return texts.map((text, position) => ({ position, id: 100 + position, text }));
}

/** A path expansion of the logit of ' Potter' (not in the prompt) after 'ley' at position 6. */
export const PATHS: PathExpansionResult = {
    model: 'attn-only-2l', position: 6, token: tok(6), target: OUTSIDE, logit: 3, sum: 3, n_terms: 5,
    terms: [{ kind: 'virtual', label: 'L0H1->L1H0', value: 2.5 }, { kind: 'head', label: 'L1H0', value: -0.9 }, { kind: 'direct', label: 'direct', value: 0.4 }],
    rest: 1,
};

/** Direct attribution of 'urs' (position 5) predicted after ' D' (position 4). */
export const DIRECT: DirectAttributionResult = {
    model: 'attn-only-2l', method: 'direct', position: 4, token: tok(4), target: tok(5), contrast: null, value: 2.75, sum: 2.75,
    components: [{ kind: 'embed', label: 'embed', value: 1.75 }, { kind: 'head', label: 'L0H1', value: -1 }, { kind: 'head', label: 'L1H0', value: 2 }],
    heads: [
        { label: 'L1H0', layer: 1, head: 0, total: 2, sources: [{ token: tok(3), value: 1.5 }, { token: tok(1), value: 0.5 }] },
        { label: 'L0H1', layer: 0, head: 1, total: -1, sources: [{ token: tok(2), value: -0.75 }, { token: tok(3), value: -0.25 }] },
    ],
};


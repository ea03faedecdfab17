import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLensSummary, statusText } from '../src/status';

test('the first code lens title gives the model, the mean loss and the token count', () => {
    const s = parseLensSummary('attn-only-2l · mean loss 3.127 nats (4.51 bits) over 41 tokens');
    assert.deepEqual(s, { model: 'attn-only-2l', meanLossNats: 3.127, tokens: 41 });
    assert.equal(statusText(s), '$(pulse) attn-only-2l · loss 3.13');
});

test('a prompt of one token has a model but no loss', () => {
    const s = parseLensSummary('random-2l · no scored tokens');
    assert.deepEqual(s, { model: 'random-2l', tokens: 0 });
    assert.equal(statusText(s), '$(pulse) random-2l');
});

test('action lenses are not summaries', () => {
    assert.equal(parseLensSummary('Inspect heads'), undefined);
    assert.equal(parseLensSummary('Path expansion'), undefined);
    assert.equal(statusText(undefined), '$(pulse) circuitscope');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DocumentStatus } from '../src/protocol';
import { isStale, statusView } from '../src/status';

const analysed: DocumentStatus = {
    uri: 'file:///w/genesis.prompt', version: 3, model: 'attn-only-2l', n_tokens: 41, scored: 40, mean_loss: 3.127, problem: null,
};

test('an analysed prompt shows the model and its mean loss in nats, two decimals', () => {
    const v = statusView(analysed);
    assert.equal(v.text, '$(pulse) attn-only-2l · loss 3.13');
    assert.match(v.tooltip, /mean loss 3\.127 nats over 40 of 41 tokens/);
});

test('a prompt without a scored token shows the model only', () => {
    assert.equal(statusView({ ...analysed, n_tokens: 1, scored: 0, mean_loss: null }).text, '$(pulse) attn-only-2l');
});

test('no answer yet, or no model, shows the extension name', () => {
    assert.equal(statusView(undefined).text, '$(pulse) circuitscope');
    assert.equal(statusView({ ...analysed, model: null, n_tokens: 0, scored: 0, mean_loss: null }).text, '$(pulse) circuitscope');
});

test('a problem shows a warning with the problem as tooltip, whatever else is known', () => {
    const problem = "model 'gpt2-small' could not be loaded: /models/gpt2-small/config.json is missing";
    const v = statusView({ ...analysed, model: 'gpt2-small', mean_loss: null, scored: 0, problem });
    assert.deepEqual(v, { text: '$(warning) circuitscope', tooltip: problem });
});

test('an answer for an older document version is stale', () => {
    assert.equal(isStale(analysed, 4), true);
    assert.equal(isStale(analysed, 3), false);
});

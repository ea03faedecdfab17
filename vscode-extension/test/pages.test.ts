import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csp, errorPage, resultPage } from '../src/views/pages';

const ctx = { nonce: 'abc123', cspSource: 'https://webview.test' };
const toks = ['A', ' B', ' A'].map((text, index) => ({ index, id: index, text }));

test('the content security policy allows only nonce scripts/styles and no network', () => {
    const p = csp(ctx);
    assert.match(p, /default-src 'none'/);
    assert.match(p, /script-src 'nonce-abc123'/);
    assert.ok(!p.includes('unsafe-inline') && !p.includes('unsafe-eval'), p);
    assert.ok(!/https?:\/\/(?!webview\.test)/.test(p), 'no host but the webview resource origin');
});

test('every script and style tag of a page carries the nonce; nothing is loaded from elsewhere', () => {
    const { html } = resultPage(ctx, 'attentionPattern', { model: 'm', layer: 1, tokens: toks, heads: [{ head: 0, label: 'L1H0', pattern: [[1], [0.5, 0.5], [0.1, 0.8, 0.1]] }] }, { uri: 'file:///a.prompt' });
    for (const m of html.matchAll(/<(script|style)\b[^>]*>/g)) assert.match(m[0], /nonce="abc123"/);
    assert.ok(!/\b(src|href)=/.test(html), 'no src or href attributes');
    assert.ok(!/ style=/.test(html), 'no inline style attributes (the CSP would block them)');
});

test('attention page title names the head when one head was asked for, else the layer', () => {
    const one = resultPage(ctx, 'attentionPattern', { layer: 1, tokens: toks, heads: [{ head: 2, label: 'L1H2', pattern: [[1]] }] }, {});
    assert.equal(one.title, 'Attention · L1H2');
    const all = resultPage(ctx, 'attentionPattern', { layer: 1, tokens: toks, heads: [{ head: 0, label: 'L1H0', pattern: [[1]] }, { head: 1, label: 'L1H1', pattern: [[1]] }] }, {});
    assert.equal(all.title, 'Attention · layer 1');
    assert.equal((all.html.match(/<svg class="heatmap"/g) ?? []).length, 2);
});

test('head card shows detector bars, the pattern and what the server could not compute', () => {
    const { html } = resultPage(ctx, 'inspectHead', {
        model: 'attn-only-2l', layer: 1, head: 0, label: 'L1H0', tokens: toks, pattern: [[1], [0.5, 0.5], [0.9, 0.05, 0.05]],
        scores: { previous_token: 0.1, duplicate_token: 0.2, induction: 0.9, induction_repeated_random: 0.8 }, copying_score: 0.7,
        skip_trigrams: null, composition: null, unavailable: ['skip_trigrams: not yet available'],
    }, { uri: 'file:///a.prompt' });
    assert.match(html, /data-label="induction" data-value="0\.9000"/);
    assert.match(html, /data-label="copying score"/);
    assert.match(html, /skip_trigrams: not yet available/);
    assert.equal((html.match(/<rect class="cell" /g) ?? []).length, 6, 'one cell per causal pair (legend swatches aside)');
    assert.match(html, /data-command="circuitscope.attentionPattern" data-args="\{&quot;uri&quot;:&quot;file:\/\/\/a.prompt&quot;,&quot;layer&quot;:1\}"/);
});

test('heads overview links each head to its card', () => {
    const { html } = resultPage(ctx, 'detectHeads', { model: 'm', tokens: 3, heads: [{ layer: 0, head: 1, label: 'L0H1', previous_token: 0.85, duplicate_token: 0, induction: 0, induction_repeated_random: 0, copying_score: 0.1 }] }, { uri: 'u' });
    assert.match(html, /data-command="circuitscope.inspectHead"[^>]*>L0H1</);
    assert.match(html, /class="score s9">0\.85</, 'a 0.85 score gets the 9th of ten shades');
});

test('an error page shows the server message escaped', () => {
    const html = errorPage(ctx, 'pathExpansion', 'circuitscope.pathExpansion: not yet available <soon>');
    assert.match(html, /id="error">circuitscope\.pathExpansion: not yet available &lt;soon&gt;</);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command, CommandId, InspectHeadResult } from '../src/protocol';
import { csp, errorPage, isViewCommand, resultPage, VIEW_COMMANDS } from '../src/views/pages';
import { DIRECT, OUTSIDE, PATHS, tok, tokensOf } from './fixtures';

const ctx = { nonce: 'abc123', cspSource: 'https://webview.test' };
const toks = tokensOf(['A', ' B', ' A']);
const uri = 'file:///a.prompt';

test('the content security policy allows only nonce scripts/styles and no network', () => {
    const p = csp(ctx);
    assert.match(p, /default-src 'none'/);
    assert.match(p, /script-src 'nonce-abc123'/);
    assert.ok(!p.includes('unsafe-inline') && !p.includes('unsafe-eval'), p);
    assert.ok(!/https?:\/\/(?!webview\.test)/.test(p), 'no host but the webview resource origin');
});

test('every script and style tag of a page carries the nonce; nothing is loaded from elsewhere', () => {
    const { html } = resultPage(ctx, Command.attentionPattern, { model: 'm', layer: 1, tokens: toks, heads: [{ head: 0, label: 'L1H0', pattern: [[1], [0.5, 0.5], [0.1, 0.8, 0.1]] }] }, { uri, layer: 1, head: 0 });
    for (const m of html.matchAll(/<(script|style)\b[^>]*>/g)) assert.match(m[0], /nonce="abc123"/);
    assert.ok(!/\b(src|href)=/.test(html), 'no src or href attributes');
    assert.ok(!/ style=/.test(html), 'no inline style attributes (the CSP would block them)');
});

test('every server command but predict has a picture', () => {
    const drawn = (Object.values(Command) as CommandId[]).filter(c => isViewCommand(c));
    assert.deepEqual(new Set(drawn), new Set(VIEW_COMMANDS));
    assert.deepEqual((Object.values(Command) as CommandId[]).filter(c => !isViewCommand(c)), [Command.predict]);
});

test('attention page title names the head when one head was asked for, else the layer', () => {
    const one = resultPage(ctx, Command.attentionPattern, { model: 'm', layer: 1, tokens: toks, heads: [{ head: 2, label: 'L1H2', pattern: [[1]] }] }, { uri, layer: 1, head: 2 });
    assert.equal(one.title, 'Attention · L1H2');
    const all = resultPage(ctx, Command.attentionPattern, { model: 'm', layer: 1, tokens: toks, heads: [{ head: 0, label: 'L1H0', pattern: [[1]] }, { head: 1, label: 'L1H1', pattern: [[1]] }] }, { uri, layer: 1 });
    assert.equal(all.title, 'Attention · layer 1');
    assert.equal((all.html.match(/<svg class="heatmap"/g) ?? []).length, 2);
    assert.match(all.html, /· 3 tokens ·/);
});

test('head card shows detector bars, skip-trigrams, composition, the pattern and a link to its layer', () => {
    const card: InspectHeadResult = {
        model: 'attn-only-2l', layer: 1, head: 0, label: 'L1H0', tokens: toks, pattern: [[1], [0.5, 0.5], [0.9, 0.05, 0.05]],
        scores: { layer: 1, head: 0, label: 'L1H0', previous_token: 0.1, duplicate_token: 0.2, induction: 0.9, induction_repeated_random: 0.8,
            ov_copying_score: 0.7, qk_copying_score: 0.1,
            skip_trigrams: [{ source: { id: 7, text: ' Harry' }, destination: { id: 8, text: ' Mr' }, out: { id: 9, text: ' Potter' }, score: 6.25, qk_score: 2 }] },
        composition: { baseline: 0.05, reads_from: [{ mode: 'k', layer: 0, head: 1, label: 'L0H1', score: 0.4, over_baseline: 0.35 }], writes_to: [] },
    };
    const { title, html } = resultPage(ctx, Command.inspectHead, card, { uri, layer: 1, head: 0 });
    assert.equal(title, 'Head L1H0');
    assert.match(html, /data-label="induction" data-value="0\.9000"/);
    assert.match(html, /data-label="copying score" data-value="0\.7000"/);
    assert.match(html, /<code>\[·Harry\] … \[·Mr\] → \[·Potter\]<\/code><\/td><td class="num">6\.25</);
    assert.match(html, /data-label="K ← L0H1" data-value="0\.4000"/);
    assert.equal((html.match(/<rect class="cell" /g) ?? []).length, 6, 'one cell per causal pair (legend swatches aside)');
    assert.match(html, /data-command="circuitscope.attentionPattern" data-args="\{&quot;uri&quot;:&quot;file:\/\/\/a.prompt&quot;,&quot;layer&quot;:1\}"/);
});

test('heads overview counts the tokens and links each head to its card', () => {
    const { html } = resultPage(ctx, Command.detectHeads, { model: 'm', tokens: toks, heads: [{ layer: 0, head: 1, label: 'L0H1', previous_token: 0.85, duplicate_token: 0, induction: 0, induction_repeated_random: 0, ov_copying_score: 0.1, qk_copying_score: 0 }] }, { uri: 'u' });
    assert.match(html, /scores on this prompt \(3 tokens\)/);
    assert.match(html, /data-command="circuitscope.inspectHead" data-args="\{&quot;uri&quot;:&quot;u&quot;,&quot;layer&quot;:0,&quot;head&quot;:1\}">L0H1</);
    assert.match(html, /class="score s9">0\.85</, 'a 0.85 score gets the 9th of ten shades');
});

test('path expansion page names the target, the logit and the number of terms', () => {
    const { title, html } = resultPage(ctx, Command.pathExpansion, PATHS, { uri, position: { line: 0, character: 15 } });
    assert.equal(title, 'Path expansion of " Potter"');
    assert.match(html, /logit 3\.000 = Σ 5 terms/);
    assert.match(html, /data-label="2 more terms" data-value="1\.0000"/);
});

test('direct attribution page: heads by their total, source tokens at their positions', () => {
    const { title, html } = resultPage(ctx, Command.attribute, DIRECT, { uri, position: { line: 0, character: 12 }, method: 'direct' });
    assert.equal(title, 'Attribution of "urs"');
    assert.match(html, /direct logit attribution at position 4 · logit 2\.750/);
    assert.match(html, /data-label="L1H0" data-value="2\.0000"/);
    assert.match(html, /data-label="L0H1" data-value="-1\.0000"/);
    assert.match(html, /data-position="3" data-value="1\.2500"/);
    const contrast = resultPage(ctx, Command.attribute, { ...DIRECT, contrast: OUTSIDE }, { uri, position: { line: 0, character: 12 }, method: 'direct' });
    assert.match(contrast.html, /logit − logit of &quot; Potter&quot; 2\.750/);
});

test('gradient attribution page: the method, the log-probability, the completeness error and the tokens', () => {
    const { title, html } = resultPage(ctx, Command.attribute, {
        model: 'attn-only-2l', method: 'saliency', position: 4, token: tok(4), target: tok(5), steps: 1, logprob: -0.25,
        baseline_logprob: null, completeness_error: null, tokens: [{ token: tok(1), value: 0.5 }, { token: tok(4), value: -2 }],
    }, { uri, position: { line: 0, character: 12 }, method: 'saliency' });
    assert.equal(title, 'Attribution of "urs"');
    assert.match(html, /saliency at position 4 · log p -0\.250</);
    assert.ok(!html.includes('completeness'), 'no completeness error for saliency');
    assert.match(html, /data-position="4" data-value="-2\.0000"/);
});

test('ablation page: heads, mode and the mean loss before and after', () => {
    const { title, html } = resultPage(ctx, Command.ablate, {
        model: 'attn-only-2l', heads: ['L1H0', 'L0H1'], mode: 'mean', mean_change: -0.5, mean_loss: 2, ablated_mean_loss: 2.5,
        positions: [{ token: tok(4), next: tok(5), logprob: -1, ablated_logprob: -1.5, change: -0.5 }],
    }, { uri, heads: ['L1H0', 'L0H1'], mean: true });
    assert.equal(title, 'Ablation of L1H0, L0H1');
    assert.match(html, /mean ablation · mean loss 2\.000 → 2\.500 nats/);
    assert.match(html, /data-position="5" data-value="-0\.5000"[^>]*>urs</);
});

test('logit lens page: one row per residual stream hook with the target\'s rank and log-probability', () => {
    const { title, html } = resultPage(ctx, Command.logitLens, {
        model: 'attn-only-2l', position: 4, token: tok(4), target: tok(5), layers: [
            { index: 0, hook: 'blocks.0.hook_resid_pre', top: [{ id: 5, text: ' the', logit: 4, prob: 0.25 }], target_logit: 1, target_logprob: -6.5, target_rank: 120 },
            { index: 2, hook: 'ln_final.hook_normalized', top: [{ id: 1005, text: 'urs', logit: 9, prob: 0.875 }], target_logit: 9, target_logprob: -0.13, target_rank: 0 },
        ],
    }, { uri, position: { line: 0, character: 12 } });
    assert.equal(title, 'Logit lens for "urs"');
    assert.match(html, /prediction after position 4/);
    assert.match(html, /<th>rank of &quot;urs&quot;<\/th>/);
    assert.match(html, /<code>blocks\.0\.hook_resid_pre<\/code><\/td><td class="num">120<\/td><td class="num">-6\.50<\/td><td><code>&quot;·the&quot;<\/code> 25\.0%/);
    assert.match(html, /<code>ln_final\.hook_normalized<\/code><\/td><td class="num">0</);
});

test('an error page shows the server message escaped', () => {
    const html = errorPage(ctx, 'Path expansion', 'circuitscope.pathExpansion: not yet available <soon>');
    assert.match(html, /id="error">circuitscope\.pathExpansion: not yet available &lt;soon&gt;</);
});

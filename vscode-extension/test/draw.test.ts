import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AblateResult, DetectHeadsResult, GradientAttributionResult } from '../src/protocol';
import {
    ablationTokens, attributionTokens, barChartSvg, coloredTokensHtml, compositionBars, gradientTokens, heatLevel, heatmapModel, heatmapSvg,
    headDescription, layersAndHeads, pathExpansionBars, patternCells, scoreBars, skipTrigramLines, sortedBars, tokenLabel,
} from '../src/views/draw';
import { DIRECT, PATHS, tok, tokensOf } from './fixtures';

/** Every rect.cell of an SVG string as {q, k, w, opacity}. */
function cells(svg: string) {
    return [...svg.matchAll(/<rect class="cell"[^>]*>/g)].map(m => {
        const a = (n: string) => Number(new RegExp(`${n}="([^"]*)"`).exec(m[0])![1]);
        return { q: a('data-q'), k: a('data-k'), w: a('data-w'), opacity: a('fill-opacity') };
    });
}

test('a causal pattern gives one cell per query and earlier-or-same key', () => {
    const pattern = [[1], [0.25, 0.75], [0.1, 0.2, 0.7], [0.4, 0.3, 0.2, 0.1]];
    const c = patternCells(pattern);
    assert.equal(c.length, (4 * 5) / 2);
    for (let q = 0; q < 4; q++) for (let k = 0; k <= q; k++) {
        assert.equal(c.find(x => x.query === q && x.key === k)?.weight, pattern[q][k], `cell q=${q} k=${k}`);
    }
});

test('full square rows are cut to the causal part', () => {
    const c = patternCells([[1, 0, 0], [0.5, 0.5, 0], [0.2, 0.3, 0.5]]);
    assert.ok(c.every(x => x.key <= x.query), 'no cell above the diagonal');
    assert.equal(c.length, 6);
});

test('attentionPattern without head gives every head; inspectHead gives its one pattern', () => {
    const layer = heatmapModel({ model: 'm', layer: 1, tokens: tokensOf(['a', 'b']), heads: [{ head: 0, label: 'L1H0', pattern: [[1], [0.3, 0.7]] }, { head: 1, label: 'L1H1', pattern: [[1], [0.9, 0.1]] }] });
    assert.deepEqual(layer.heads.map(h => h.label), ['L1H0', 'L1H1']);
    assert.deepEqual(layer.tokens, ['a', 'b']);
    const one = heatmapModel(inspectHead(tokensOf(['x', 'y']), [[1], [0.6, 0.4]]));
    assert.equal(one.heads.length, 1);
    assert.equal(one.heads[0].cells[2].weight, 0.4);
});

function inspectHead(tokens: ReturnType<typeof tokensOf>, pattern: number[][]) {
    return {
        model: 'm', layer: 1, head: 0, label: 'L1H0', tokens, pattern,
        scores: { layer: 1, head: 0, label: 'L1H0', previous_token: 0, duplicate_token: 0, induction: 0.9, induction_repeated_random: 0.8, ov_copying_score: 0.5, qk_copying_score: 0,
            skip_trigrams: [] },
        composition: { baseline: 0.1, reads_from: [], writes_to: [] },
    };
}

test('heatmap cells carry their weight as opacity and a tooltip naming destination, source and weight', () => {
    const m = heatmapModel(inspectHead(tokensOf([' Mr', ' D', 'urs', 'ley']), [[1], [0.2, 0.8], [0.05, 0.9, 0.05], [0, 0.1, 0.6, 0.3]]));
    const svg = heatmapSvg(m.tokens, m.heads[0]);
    const cs = cells(svg);
    assert.equal(cs.length, 10);
    const c = cs.find(x => x.q === 3 && x.k === 2)!;
    assert.equal(c.w, 0.6);
    assert.ok(Math.abs(c.opacity - Math.sqrt(0.6)) < 1e-3, `opacity ${c.opacity} should be √0.6`);
    assert.match(svg, /data-tokens="4"/);
    assert.match(svg, /data-tip="L1H0: &quot;ley&quot; @3 ← &quot;urs&quot; @2: 0\.600"/);
    assert.match(svg, />·Mr</, 'axis labels show the leading space');
});

test('token text is escaped in SVG and HTML', () => {
    const m = heatmapModel(inspectHead(tokensOf(['<script>', '&"']), [[1], [0.5, 0.5]]));
    const svg = heatmapSvg(m.tokens, m.heads[0]);
    assert.ok(!svg.includes('<script>'), 'no raw tag from a token');
    assert.match(svg, /&lt;script&gt;/);
    const html = coloredTokensHtml([{ position: 0, text: '<b>', value: 1, tip: 'x' }]);
    assert.ok(!html.includes('<b>'));
});

test('tokenLabel makes edge spaces and line ends visible', () => {
    assert.equal(tokenLabel(' the'), '·the');
    assert.equal(tokenLabel('\n'), '↵');
    assert.equal(tokenLabel('a b'), 'a b');
});

test('bars are sorted by magnitude and the tail folds into one bar holding its sum', () => {
    const items = [1, -5, 3, 0.5, -0.25, 2].map((value, i) => ({ label: `t${i}`, value }));
    const bars = sortedBars(items, 3);
    assert.deepEqual(bars.slice(0, 3).map(b => b.value), [-5, 3, 2]);
    assert.equal(bars[3].label, '3 others');
    assert.equal(bars[3].value, 1 + 0.5 - 0.25);
    const total = items.reduce((s, b) => s + b.value, 0);
    assert.equal(bars.reduce((s, b) => s + b.value, 0), total, 'folding keeps the total');
});

test('bar chart: positive and negative bars sit on either side of the zero line', () => {
    const svg = barChartSvg([{ label: 'a', value: 2 }, { label: 'b', value: -1 }], { width: 500 });
    const zero = Number(/<line class="zero" x1="([\d.]+)"/.exec(svg)![1]);
    const rect = (l: string) => {
        const r = new RegExp(`<rect class="bar (pos|neg)" x="([\\d.]+)" y="[\\d.]+" width="([\\d.]+)"[^>]*data-label="${l}"`).exec(svg)!;
        return { cls: r[1], x: Number(r[2]), w: Number(r[3]) };
    };
    const a = rect('a'), b = rect('b');
    assert.equal(a.cls, 'pos');
    assert.equal(b.cls, 'neg');
    assert.ok(Math.abs(a.x - zero) < 1e-9, 'a positive bar starts at zero');
    assert.ok(Math.abs(b.x + b.w - zero) < 1e-9, 'a negative bar ends at zero');
    assert.ok(Math.abs(a.w / b.w - 2) < 1e-9, 'lengths are proportional to the values');
});

test('path expansion terms become bars sorted by |value|, the terms the server left out one more bar', () => {
    const bars = pathExpansionBars(PATHS);
    assert.deepEqual(bars.map(b => b.label), ['L0H1->L1H0', '2 more terms', 'L1H0', 'direct']);
    assert.equal(bars[0].detail, 'virtual');
    assert.equal(bars[1].value, 1);
    assert.equal(bars.reduce((s, b) => s + b.value, 0), PATHS.logit, 'the bars sum to the logit');
    const all = pathExpansionBars({ ...PATHS, n_terms: 3, rest: 0 });
    assert.deepEqual(all.map(b => b.label), ['L0H1->L1H0', 'L1H0', 'direct'], 'no extra bar when every term is listed');
});

test('heat levels scale with |value| relative to the largest', () => {
    assert.equal(heatLevel(10, 10), 5);
    assert.equal(heatLevel(-10, 10), -5);
    assert.equal(heatLevel(0.1, 10), 1);
    assert.equal(heatLevel(5, 10), 3);
    assert.equal(heatLevel(0, 10), 0);
    assert.equal(heatLevel(1, 0), 0);
});

test('attribution tokens sum each source position over heads, in prompt order', () => {
    const t = attributionTokens(DIRECT);
    assert.deepEqual(t.map(x => [x.position, x.text, x.value]), [[1, 'Mr', 0.5], [2, ' and', -0.75], [3, ' Mrs', 1.25]]);
    assert.match(t[2].tip, /" Mrs" @3: \+1\.25 logit \(L1H0 \+1\.50, L0H1 -0\.25\)/);
});

test('gradient attribution tokens are coloured by their score, in prompt order', () => {
    const g: GradientAttributionResult = {
        model: 'attn-only-2l', method: 'integrated-gradients', position: 4, token: tok(4), target: tok(5), steps: 32,
        logprob: -0.5, baseline_logprob: -9, completeness_error: 0.01,
        tokens: [{ token: tok(4), value: 3 }, { token: tok(1), value: -1 }, { token: tok(0), value: 0.5 }],
    };
    const t = gradientTokens(g);
    assert.deepEqual(t.map(x => [x.position, x.value]), [[0, 0.5], [1, -1], [4, 3]]);
    assert.match(t[2].tip, /" D" @4: \+3\.00 \(integrated-gradients\)/);
});

test('ablation colours each predicted token by the change in its log-probability', () => {
    const a: AblateResult = {
        model: 'attn-only-2l', heads: ['L1H0'], mode: 'zero', mean_change: -1.25, mean_loss: 2, ablated_mean_loss: 3.25,
        positions: [
            { token: tok(4), next: tok(5), logprob: -1, ablated_logprob: -3, change: -2 },
            { token: tok(5), next: tok(6), logprob: -0.5, ablated_logprob: -1, change: -0.5 },
        ],
    };
    const t = ablationTokens(a);
    assert.deepEqual(t.map(x => [x.position, x.text, x.value]), [[5, 'urs', -2], [6, 'ley', -0.5]], 'the next token carries the change');
    assert.match(t[0].tip, /"urs" @5: log p -1\.00 → -3\.00 \(-2\.00\)/);
    const html = coloredTokensHtml(t);
    assert.match(html, /class="tok n5" data-position="5"/, 'the largest drop gets the strongest negative class');
});

test('skip-trigrams read "[source] … [destination] → [out]"', () => {
    assert.deepEqual(skipTrigramLines([{ source: { id: 1, text: ' Potter' }, destination: { id: 2, text: ' Harry' }, out: { id: 1, text: ' Potter' }, score: 7.5, qk_score: 3 }]),
        [{ text: '[·Potter] … [·Harry] → [·Potter]', score: 7.5 }]);
});

test('composition: heads read from (←) and written to (→), largest score first', () => {
    const comp = compositionBars({
        baseline: 0.1,
        reads_from: [{ mode: 'k', layer: 0, head: 1, label: 'L0H1', score: 0.3, over_baseline: 0.2 }, { mode: 'q', layer: 0, head: 2, label: 'L0H2', score: 0.05, over_baseline: -0.05 }],
        writes_to: [{ mode: 'v', layer: 2, head: 0, label: 'L2H0', score: 0.12, over_baseline: 0.02 }],
    });
    assert.deepEqual(comp.map(b => [b.label, b.value]), [['K ← L0H1', 0.3], ['V → L2H0', 0.12], ['Q ← L0H2', 0.05]]);
    assert.equal(compositionBars({ baseline: 0.1, reads_from: [], writes_to: [] }).length, 0);
});

test('detector score bars in the detectors\' order, then the copying score', () => {
    const bars = scoreBars({ previous_token: 0.1, duplicate_token: 0.2, induction: 0.9, induction_repeated_random: 0.8 }, -0.3);
    assert.deepEqual(bars.map(b => [b.label, b.value]), [
        ['previous token', 0.1], ['duplicate token', 0.2], ['induction', 0.9], ['induction (repeated random)', 0.8], ['copying score', -0.3]]);
});

test('quick pick data: layers in order with their heads, described by the strongest detector', () => {
    const r: DetectHeadsResult = { model: 'm', tokens: [tok(0), tok(1)], heads: [
        { layer: 1, head: 1, label: 'L1H1', previous_token: 0.1, duplicate_token: 0, induction: 0.8, induction_repeated_random: 0.7, ov_copying_score: 0.5, qk_copying_score: 0 },
        { layer: 0, head: 0, label: 'L0H0', previous_token: 0.85, duplicate_token: 0, induction: 0, induction_repeated_random: 0, ov_copying_score: -0.2, qk_copying_score: 0 },
        { layer: 1, head: 0, label: 'L1H0', previous_token: 0, duplicate_token: 0, induction: 0.9, induction_repeated_random: 0.9, ov_copying_score: 0.9, qk_copying_score: 0 }] };
    const m = layersAndHeads(r);
    assert.deepEqual([...m.keys()], [0, 1]);
    assert.deepEqual(m.get(1)!.map(r => r.label), ['L1H0', 'L1H1']);
    assert.equal(headDescription(m.get(0)![0]), 'previous token 0.85 · copying -0.20');
});

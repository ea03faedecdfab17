import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
    ablationTokens, attributionTokens, barChartSvg, coloredTokensHtml, compositionBars, heatLevel, heatmapModel, heatmapSvg,
    headDescription, layersAndHeads, pathExpansionBars, patternCells, skipTrigramLines, sortedBars, tokenLabel,
} from '../src/views/draw';

const tokens = (texts: string[]) => texts.map((text, index) => ({ index, id: 100 + index, text }));

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
    const layer = heatmapModel({ layer: 1, tokens: tokens(['a', 'b']), heads: [{ head: 0, label: 'L1H0', pattern: [[1], [0.3, 0.7]] }, { head: 1, label: 'L1H1', pattern: [[1], [0.9, 0.1]] }] });
    assert.deepEqual(layer.heads.map(h => h.label), ['L1H0', 'L1H1']);
    assert.deepEqual(layer.tokens, ['a', 'b']);
    const one = heatmapModel({ label: 'L0H1', tokens: tokens(['x', 'y']), pattern: [[1], [0.6, 0.4]] });
    assert.equal(one.heads.length, 1);
    assert.equal(one.heads[0].cells[2].weight, 0.4);
});

test('heatmap cells carry their weight as opacity and a tooltip naming destination, source and weight', () => {
    const m = heatmapModel({ label: 'L1H0', tokens: tokens([' Mr', ' D', 'urs', 'ley']), pattern: [[1], [0.2, 0.8], [0.05, 0.9, 0.05], [0, 0.1, 0.6, 0.3]] });
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
    const m = heatmapModel({ label: 'L0H0', tokens: tokens(['<script>', '&"']), pattern: [[1], [0.5, 0.5]] });
    const svg = heatmapSvg(m.tokens, m.heads[0]);
    assert.ok(!svg.includes('<script>'), 'no raw tag from a token');
    assert.match(svg, /&lt;script&gt;/);
    const html = coloredTokensHtml([{ index: 0, text: '<b>', value: 1, tip: 'x' }]);
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

test('path expansion terms become bars sorted by |value|', () => {
    const bars = pathExpansionBars({ logit: 3, terms: [
        { kind: 'direct', label: 'embed+pos_embed', value: 0.4 }, { kind: 'virtual', label: 'L0H1->L1H0', value: 2.5 }, { kind: 'head', label: 'L1H0', value: -0.9 }] });
    assert.deepEqual(bars.map(b => b.label), ['L0H1->L1H0', 'L1H0', 'embed+pos_embed']);
    assert.equal(bars[0].detail, 'virtual');
    assert.deepEqual(pathExpansionBars({ error: 'x' }), []);
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
    const t = attributionTokens({ heads: [
        { label: 'L1H0', logit: 2, sources: [{ index: 3, text: ' D', logit: 1.5 }, { index: 0, text: 'Mr', logit: 0.5 }] },
        { label: 'L0H1', logit: -1, sources: [{ index: 3, text: ' D', logit: -0.25 }, { index: 1, text: '.', logit: -0.75 }] }] });
    assert.deepEqual(t.map(x => [x.index, x.value]), [[0, 0.5], [1, -0.75], [3, 1.25]]);
    assert.match(t[2].tip, /L1H0 \+1\.50, L0H1 -0\.25/);
});

test('ablation tokens are coloured by the change in log-probability', () => {
    const t = ablationTokens({ tokens: [{ index: 1, text: ' a', logprob: -1, ablated_logprob: -3, delta: -2 }] });
    assert.equal(t[0].value, -2);
    const html = coloredTokensHtml(t);
    assert.match(html, /class="tok n5"/, 'the largest drop gets the strongest negative class');
});

test('skip-trigrams and composition accept the field names the server may use', () => {
    assert.deepEqual(skipTrigramLines([{ source_text: ' Potter', destination_text: ' Harry', out_text: ' Potter', score: 7.5 }]),
        [{ text: '[·Potter] … [·Harry] → [·Potter]', score: 7.5 }]);
    const comp = compositionBars({ k: [{ label: 'L0H1', score: 0.3, baseline: 0.1 }], q: [{ layer: 0, head: 2, score: 0.05 }] });
    assert.deepEqual(comp.map(b => [b.label, b.value]), [['K L0H1', 0.3], ['Q L0H2', 0.05]]);
    assert.deepEqual(compositionBars(null), []);
});

test('quick pick data: layers in order with their heads, described by the strongest detector', () => {
    const m = layersAndHeads({ heads: [
        { layer: 1, head: 1, label: 'L1H1', previous_token: 0.1, duplicate_token: 0, induction: 0.8, induction_repeated_random: 0.7, copying_score: 0.5 },
        { layer: 0, head: 0, label: 'L0H0', previous_token: 0.85, duplicate_token: 0, induction: 0, induction_repeated_random: 0, copying_score: -0.2 },
        { layer: 1, head: 0, label: 'L1H0', previous_token: 0, duplicate_token: 0, induction: 0.9, induction_repeated_random: 0.9, copying_score: 0.9 }] });
    assert.deepEqual([...m.keys()], [0, 1]);
    assert.deepEqual(m.get(1)!.map(r => r.label), ['L1H0', 'L1H1']);
    assert.equal(headDescription(m.get(0)![0]), 'previous token 0.85 · copying -0.20');
});

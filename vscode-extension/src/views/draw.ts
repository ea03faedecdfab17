// JSON from the server (typed in ../protocol) → drawing models → SVG/HTML strings. Pure functions
// (no vscode import) so the transforms are unit-tested in Node. Colours come from theme variables
// through CSS classes and fill-opacity attributes: the webview's content security policy forbids
// inline styles.
import type {
    AblateResult, AttentionPatternResult, Composition, DetectHeadsResult, DetectorScores, DirectAttributionResult,
    GradientAttributionResult, InspectHeadResult, Pattern, PathExpansionResult, TokenRef, Trigram,
} from '../protocol';

/** A token as people read it in a label: leading/trailing spaces and line ends made visible. */
export function tokenLabel(text: string): string {
    return text.replace(/\r/g, '\\r').replace(/\n/g, '↵').replace(/\t/g, '⇥').replace(/^ /, '·').replace(/ $/, '·');
}

export function esc(s: unknown): string {
    return String(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function fmt(x: number, digits = 3): string {
    return Number.isFinite(x) ? x.toFixed(digits) : String(x);
}

// ---------------------------------------------------------------- attention heatmaps

export interface HeatCell { query: number; key: number; weight: number }
export interface HeatHead { label: string; cells: HeatCell[] }
export interface Heatmap { tokens: string[]; heads: HeatHead[] }

/** Lower-triangular pattern rows (row q holds keys 0..q) → cells; rows may be ragged or full squares. */
export function patternCells(pattern: Pattern): HeatCell[] {
    const cells: HeatCell[] = [];
    pattern.forEach((row, q) => {
        for (let k = 0; k <= q && k < row.length; k++) cells.push({ query: q, key: k, weight: row[k] });
    });
    return cells;
}

/** An attentionPattern result (every head asked for) or an inspectHead result (its one head). */
export function heatmapModel(result: AttentionPatternResult | InspectHeadResult): Heatmap {
    const tokens = result.tokens.map(t => t.text);
    const heads: HeatHead[] = 'heads' in result
        ? result.heads.map(h => ({ label: h.label, cells: patternCells(h.pattern) }))
        : [{ label: result.label, cells: patternCells(result.pattern) }];
    return { tokens, heads };
}

export interface HeatmapLayout { cell: number; labelWidth: number; labelHeight: number }

/** Cell size and label room that keep a head readable: large cells for short prompts, small for long. */
export function heatmapLayout(n: number, maxSide = 560): HeatmapLayout {
    const cell = Math.max(4, Math.min(24, Math.floor(maxSide / Math.max(1, n))));
    const showLabels = cell >= 9;
    return { cell, labelWidth: showLabels ? 90 : 8, labelHeight: showLabels ? 90 : 8 };
}

/** One head's heatmap: queries (destinations) down, keys (sources) across; hovering a cell shows both and the weight. */
export function heatmapSvg(tokens: string[], head: HeatHead, layout = heatmapLayout(tokens.length)): string {
    const { cell, labelWidth, labelHeight } = layout;
    const n = tokens.length;
    const w = labelWidth + n * cell + 4, h = labelHeight + n * cell + 4;
    const out: string[] = [`<svg class="heatmap" role="img" aria-label="attention pattern ${esc(head.label)}" data-tokens="${n}" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" xmlns="http://www.w3.org/2000/svg">`];
    out.push(`<rect class="frame" x="${labelWidth}" y="${labelHeight}" width="${n * cell}" height="${n * cell}"/>`);
    if (cell >= 9) {
        const fs = Math.min(12, cell - 1);
        tokens.forEach((t, i) => {
            const y = labelHeight + i * cell + cell / 2;
            out.push(`<text class="axis" x="${labelWidth - 4}" y="${y}" font-size="${fs}" text-anchor="end" dominant-baseline="middle">${esc(clip(tokenLabel(t)))}</text>`);
            const x = labelWidth + i * cell + cell / 2;
            out.push(`<text class="axis" transform="translate(${x},${labelHeight - 4}) rotate(-60)" font-size="${fs}" dominant-baseline="middle">${esc(clip(tokenLabel(t)))}</text>`);
        });
    }
    for (const c of head.cells) {
        const tip = `${head.label}: ${quote(tokens[c.query])} @${c.query} ← ${quote(tokens[c.key])} @${c.key}: ${fmt(c.weight)}`;
        out.push(`<rect class="cell" x="${labelWidth + c.key * cell}" y="${labelHeight + c.query * cell}" width="${cell}" height="${cell}" fill-opacity="${fmt(cellOpacity(c.weight), 3)}" data-q="${c.query}" data-k="${c.key}" data-w="${fmt(c.weight, 4)}" data-tip="${esc(tip)}"/>`);
    }
    out.push('</svg>');
    return out.join('');
}

/**
 * Cell opacity for a weight: √weight, so that the many small weights of a long prompt stay
 * visible next to a near-1 cell (the legend says so; tooltips carry the exact weight).
 */
export function cellOpacity(weight: number): number { return Math.sqrt(clamp01(weight)); }

/** The colour key under a heatmap: swatches for a few weights drawn as the cells are. */
export function heatLegendSvg(): string {
    const ws = [0, 0.05, 0.25, 0.5, 1];
    const out = [`<svg class="legend" width="${ws.length * 64 + 10}" height="24" xmlns="http://www.w3.org/2000/svg">`];
    ws.forEach((w, i) => {
        out.push(`<rect class="cell swatch" x="${i * 64}" y="4" width="16" height="16" fill-opacity="${fmt(cellOpacity(w), 3)}"/><rect class="frame" x="${i * 64}" y="4" width="16" height="16"/>`);
        out.push(`<text class="axis" x="${i * 64 + 20}" y="12" dominant-baseline="middle">${w}</text>`);
    });
    out.push('</svg>');
    return out.join('');
}

function clip(s: string, max = 14): string { return s.length > max ? s.slice(0, max - 1) + '…' : s; }
function quote(s: string | undefined): string { return JSON.stringify(s ?? '?'); }
function clamp01(x: number): number { return Math.max(0, Math.min(1, x)); }

// ---------------------------------------------------------------- bar charts

export interface Bar { label: string; value: number; detail?: string }

/** Terms sorted by |value|, largest first, at most `top`; the rest summed into one "other" bar. */
export function sortedBars(items: Bar[], top = 30): Bar[] {
    const sorted = [...items].sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
    if (sorted.length <= top) return sorted;
    const rest = sorted.slice(top);
    return [...sorted.slice(0, top), { label: `${rest.length} others`, value: rest.reduce((s, b) => s + b.value, 0), detail: 'sum of the smaller terms' }];
}

/** Horizontal signed bars around a zero line; positive bars use the theme's "positive" colour. */
export function barChartSvg(bars: Bar[], opts: { width?: number; unit?: string; domain?: [number, number] } = {}): string {
    const width = opts.width ?? 640, labelW = 210, valueW = 70, rowH = 20;
    const lo = opts.domain?.[0] ?? Math.min(0, ...bars.map(b => b.value));
    const hi = opts.domain?.[1] ?? Math.max(0, ...bars.map(b => b.value));
    const span = hi - lo || 1;
    const plotW = width - labelW - valueW;
    const x = (v: number) => labelW + ((v - lo) / span) * plotW;
    const h = bars.length * rowH + 8;
    const out = [`<svg class="bars" role="img" width="${width}" height="${h}" viewBox="0 0 ${width} ${h}" xmlns="http://www.w3.org/2000/svg">`];
    bars.forEach((b, i) => {
        const y = 4 + i * rowH;
        const x0 = x(0), x1 = x(b.value);
        const tip = `${b.label}: ${fmt(b.value)}${opts.unit ? ' ' + opts.unit : ''}${b.detail ? ' — ' + b.detail : ''}`;
        out.push(`<text class="axis" x="${labelW - 6}" y="${y + rowH / 2}" text-anchor="end" dominant-baseline="middle">${esc(clip(b.label, 30))}</text>`);
        out.push(`<rect class="bar ${b.value >= 0 ? 'pos' : 'neg'}" x="${Math.min(x0, x1)}" y="${y + 3}" width="${Math.max(1, Math.abs(x1 - x0))}" height="${rowH - 6}" data-label="${esc(b.label)}" data-value="${fmt(b.value, 4)}" data-tip="${esc(tip)}"/>`);
        out.push(`<text class="value" x="${width - valueW + 6}" y="${y + rowH / 2}" dominant-baseline="middle">${esc(signed(b.value))}</text>`);
    });
    out.push(`<line class="zero" x1="${x(0)}" x2="${x(0)}" y1="0" y2="${h}"/>`);
    out.push('</svg>');
    return out.join('');
}

export function signed(x: number): string { return (x >= 0 ? '+' : '') + fmt(x, 2); }

// ---------------------------------------------------------------- coloured tokens

/** A token of the prompt coloured by a value; `position` is its model position. */
export interface TokenHeat { position: number; text: string; value: number; tip: string }

/** Level −5..5 of a value relative to the largest |value| (0 only for exact zeros). */
export function heatLevel(value: number, maxAbs: number): number {
    if (!(maxAbs > 0) || value === 0) return 0;
    const l = Math.ceil((Math.abs(value) / maxAbs) * 5);
    return Math.sign(value) * Math.max(1, Math.min(5, l));
}

export function coloredTokensHtml(tokens: TokenHeat[]): string {
    const maxAbs = Math.max(0, ...tokens.map(t => Math.abs(t.value)));
    return '<div class="tokens">' + tokens.map(t => {
        const l = heatLevel(t.value, maxAbs);
        const cls = l === 0 ? 'h0' : l > 0 ? `p${l}` : `n${-l}`;
        return `<span class="tok ${cls}" data-position="${t.position}" data-value="${fmt(t.value, 4)}" data-tip="${esc(t.tip)}">${esc(t.text.replace(/\n/g, '↵\n'))}</span>`;
    }).join('') + '</div>';
}

/** Per source position, the sum of every head's part in a direct attribution. */
export function attributionTokens(result: DirectAttributionResult): TokenHeat[] {
    const by = new Map<number, { text: string; value: number; parts: string[] }>();
    for (const h of result.heads) {
        for (const s of h.sources) {
            // Sources are earlier tokens of the prompt, so they have a position.
            if (s.token.position == null) continue;
            const e = by.get(s.token.position) ?? { text: s.token.text, value: 0, parts: [] as string[] };
            e.value += s.value;
            if (Math.abs(s.value) >= 0.01) e.parts.push(`${h.label} ${signed(s.value)}`);
            by.set(s.token.position, e);
        }
    }
    return [...by.entries()].sort((a, b) => a[0] - b[0]).map(([position, e]) => ({
        position, text: e.text, value: e.value,
        tip: `${quote(e.text)} @${position}: ${signed(e.value)} logit (${e.parts.slice(0, 6).join(', ') || 'no head above 0.01'})`,
    }));
}

/** A gradient attribution's score per token of the prompt, in prompt order. */
export function gradientTokens(result: GradientAttributionResult): TokenHeat[] {
    return inPrompt(result.tokens.map(t => t.token), result.tokens.map(t => t.value)).map(([token, value]) => ({
        position: token.position, text: token.text, value,
        tip: `${quote(token.text)} @${token.position}: ${signed(value)} (${result.method})`,
    }));
}

/** Each predicted token coloured by the change in its log-probability. */
export function ablationTokens(result: AblateResult): TokenHeat[] {
    return inPrompt(result.positions.map(p => p.next), result.positions).map(([next, p]) => ({
        position: next.position, text: next.text, value: p.change,
        tip: `${quote(next.text)} @${next.position}: log p ${fmt(p.logprob, 2)} → ${fmt(p.ablated_logprob, 2)} (${signed(p.change)})`,
    }));
}

/** The pairs whose token is in the prompt (has a position), in prompt order. */
function inPrompt<T>(tokens: TokenRef[], values: T[]): [TokenRef & { position: number }, T][] {
    return tokens.map((t, i) => [t, values[i]] as [TokenRef, T])
        .filter((e): e is [TokenRef & { position: number }, T] => e[0].position != null)
        .sort((a, b) => a[0].position - b[0].position);
}

// ---------------------------------------------------------------- path expansion

/**
 * Path expansion terms → bars sorted by |value|; the terms the server left out (`rest`, when its
 * `top` cut them) as one more bar, so that the bars still sum to the logit.
 */
export function pathExpansionBars(result: PathExpansionResult, top = 30): Bar[] {
    const bars: Bar[] = result.terms.map(t => ({ label: t.label, value: t.value, detail: t.kind }));
    const left = result.n_terms - result.terms.length;
    if (left > 0) bars.push({ label: `${left} more terms`, value: result.rest, detail: 'sum of the terms the server did not list' });
    return sortedBars(bars, top);
}

// ---------------------------------------------------------------- head card parts

export const DETECTORS: [keyof DetectorScores, string][] = [
    ['previous_token', 'previous token'], ['duplicate_token', 'duplicate token'], ['induction', 'induction'],
    ['induction_repeated_random', 'induction (repeated random)'],
];

export function scoreBars(scores: DetectorScores, copying: number): Bar[] {
    return [...DETECTORS.map(([k, name]) => ({ label: name, value: scores[k] })), { label: 'copying score', value: copying }];
}

/** Skip-trigrams as "[source] … [destination] → [out]" lines. */
export function skipTrigramLines(trigrams: Trigram[]): { text: string; score: number }[] {
    return trigrams.map(t => ({ text: `[${tokenLabel(t.source.text)}] … [${tokenLabel(t.destination.text)}] → [${tokenLabel(t.out.text)}]`, score: t.score }));
}

/** Composition scores → bars "K ← L0H1" (an earlier head this one reads from), "Q → L2H0" (a later head reading this one). */
export function compositionBars(c: Composition): Bar[] {
    const bars = (heads: Composition['reads_from'], arrow: string): Bar[] => heads.map(e => ({
        label: `${e.mode.toUpperCase()} ${arrow} ${e.label}`, value: e.score, detail: `${fmt(e.over_baseline, 3)} over the baseline ${fmt(c.baseline, 3)}`,
    }));
    return sortedBars([...bars(c.reads_from, '←'), ...bars(c.writes_to, '→')], 24);
}

// ---------------------------------------------------------------- heads overview

export interface HeadRow { layer: number; head: number; label: string; scores: number[]; copying: number }

export function headRows(result: DetectHeadsResult): HeadRow[] {
    return result.heads.map(h => ({
        layer: h.layer, head: h.head, label: h.label,
        scores: DETECTORS.map(([k]) => h[k]),
        copying: h.ov_copying_score,
    }));
}

/** The layers and heads of the model, as the quick picks list them. */
export function layersAndHeads(result: DetectHeadsResult): Map<number, HeadRow[]> {
    const m = new Map<number, HeadRow[]>();
    for (const r of headRows(result)) m.set(r.layer, [...(m.get(r.layer) ?? []), r]);
    for (const rows of m.values()) rows.sort((a, b) => a.head - b.head);
    return new Map([...m.entries()].sort((a, b) => a[0] - b[0]));
}

/** One-line description of a head for quick picks: its strongest detector. */
export function headDescription(r: HeadRow): string {
    let best = 0;
    r.scores.forEach((s, i) => { if ((s ?? 0) > (r.scores[best] ?? 0)) best = i; });
    return `${DETECTORS[best][1]} ${fmt(r.scores[best] ?? 0, 2)} · copying ${fmt(r.copying ?? 0, 2)}`;
}

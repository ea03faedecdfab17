// JSON from the server → drawing models → SVG/HTML strings. Pure functions (no vscode import) so
// the transforms are unit-tested in Node. Colours come from theme variables through CSS classes
// and fill-opacity attributes: the webview's content security policy forbids inline styles.

export interface Token { index: number; id?: number; text: string }

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
export function patternCells(pattern: number[][]): HeatCell[] {
    const cells: HeatCell[] = [];
    pattern.forEach((row, q) => {
        for (let k = 0; k <= q && k < row.length; k++) cells.push({ query: q, key: k, weight: row[k] });
    });
    return cells;
}

/** attentionPattern ({tokens, heads:[{label, pattern}]}) or inspectHead ({tokens, label, pattern}) results. */
export function heatmapModel(result: any): Heatmap {
    const tokens: string[] = (result.tokens ?? []).map((t: Token) => t.text);
    const heads: HeatHead[] = Array.isArray(result.heads)
        ? result.heads.map((h: any) => ({ label: h.label, cells: patternCells(h.pattern ?? []) }))
        : [{ label: result.label, cells: patternCells(result.pattern ?? []) }];
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

export interface TokenHeat { index: number; text: string; value: number; tip: string }

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
        return `<span class="tok ${cls}" data-index="${t.index}" data-value="${fmt(t.value, 4)}" data-tip="${esc(t.tip)}">${esc(t.text.replace(/\n/g, '↵\n'))}</span>`;
    }).join('') + '</div>';
}

/** Per source position, the sum of every head's part in a direct attribution. */
export function attributionTokens(result: any): TokenHeat[] {
    const by = new Map<number, { text: string; value: number; parts: string[] }>();
    for (const h of result.heads ?? []) {
        for (const s of h.sources ?? []) {
            const e = by.get(s.index) ?? { text: s.text, value: 0, parts: [] as string[] };
            e.value += s.logit;
            if (Math.abs(s.logit) >= 0.01) e.parts.push(`${h.label} ${signed(s.logit)}`);
            by.set(s.index, e);
        }
    }
    return [...by.entries()].sort((a, b) => a[0] - b[0]).map(([index, e]) => ({
        index, text: e.text, value: e.value,
        tip: `${quote(e.text)} @${index}: ${signed(e.value)} logit (${e.parts.slice(0, 6).join(', ') || 'no head above 0.01'})`,
    }));
}

export function ablationTokens(result: any): TokenHeat[] {
    return (result.tokens ?? []).map((t: any) => ({
        index: t.index, text: t.text, value: t.delta,
        tip: `${quote(t.text)} @${t.index}: log p ${fmt(t.logprob, 2)} → ${fmt(t.ablated_logprob, 2)} (${signed(t.delta)})`,
    }));
}

// ---------------------------------------------------------------- path expansion

/** Path expansion terms ({terms: [{kind, label, value}]}) → sorted bars. */
export function pathExpansionBars(result: any, top = 30): Bar[] {
    const terms: any[] = Array.isArray(result?.terms) ? result.terms : Array.isArray(result) ? result : [];
    return sortedBars(terms.filter(t => typeof t.value === 'number').map(t => ({ label: String(t.label ?? t.name ?? '?'), value: t.value, detail: t.kind })), top);
}

// ---------------------------------------------------------------- head card parts

export const DETECTORS: [string, string][] = [
    ['previous_token', 'previous token'], ['duplicate_token', 'duplicate token'], ['induction', 'induction'],
    ['induction_repeated_random', 'induction (repeated random)'],
];

export function scoreBars(scores: Record<string, number>, copying?: number): Bar[] {
    const bars: Bar[] = DETECTORS.filter(([k]) => typeof scores?.[k] === 'number').map(([k, name]) => ({ label: name, value: scores[k] }));
    if (typeof copying === 'number') bars.push({ label: 'copying score', value: copying });
    return bars;
}

/** Skip-trigrams as "[source] … [destination] → [out]" lines, whatever the exact field names. */
export function skipTrigramLines(v: any): { text: string; score?: number }[] {
    const items: any[] = Array.isArray(v) ? v : Array.isArray(v?.trigrams) ? v.trigrams : [];
    return items.map(t => {
        const s = t.source_text ?? t.source ?? '?', d = t.destination_text ?? t.destination ?? '?', o = t.out_text ?? t.out ?? '?';
        return { text: `[${tokenLabel(String(s))}] … [${tokenLabel(String(d))}] → [${tokenLabel(String(o))}]`, score: typeof t.score === 'number' ? t.score : undefined };
    });
}

/** Composition scores → bars "Q ← L0H1" etc. Accepts a list of {kind/type, label/other, score} or {q|k|v: [{label, score}]}. */
export function compositionBars(v: any): Bar[] {
    const bars: Bar[] = [];
    const push = (kind: string, e: any) => {
        const score = typeof e.score === 'number' ? e.score : typeof e.value === 'number' ? e.value : undefined;
        if (score === undefined) return;
        const other = e.label ?? e.other ?? (e.layer !== undefined && e.head !== undefined ? `L${e.layer}H${e.head}` : '?');
        const excess = typeof e.baseline === 'number' ? ` (baseline ${fmt(e.baseline, 3)})` : '';
        // The server's inspectHead gives {reads_from: [{mode, label, score}], writes_to: [...]}.
        const arrow = kind === 'reads_from' ? '← ' : kind === 'writes_to' ? '→ ' : '';
        const name = e.mode !== undefined ? `${String(e.mode).toUpperCase()} ${arrow}` : `${kind.toUpperCase()} `;
        bars.push({ label: `${name}${other}`, value: score, detail: excess.trim() || undefined });
    };
    if (Array.isArray(v)) v.forEach(e => push(String(e.kind ?? e.type ?? ''), e));
    else if (v && typeof v === 'object') for (const k of Object.keys(v)) if (Array.isArray(v[k])) v[k].forEach((e: any) => push(k, e));
    return sortedBars(bars, 24);
}

// ---------------------------------------------------------------- heads overview

export interface HeadRow { layer: number; head: number; label: string; scores: number[]; copying: number }

export function headRows(result: any): HeadRow[] {
    return (result.heads ?? []).map((h: any) => ({
        layer: h.layer, head: h.head, label: h.label,
        scores: DETECTORS.map(([k]) => h[k]),
        copying: h.copying_score,
    }));
}

/** The layers and heads of the model, as the quick picks list them. */
export function layersAndHeads(result: any): Map<number, HeadRow[]> {
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

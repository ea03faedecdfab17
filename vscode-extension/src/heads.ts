// The model's heads as the quick picks list them (layer, then head), each described by its
// strongest detector score: read from the detectHeads answer. Pure (no vscode import).
import type { DetectHeadsResult, DetectorScores } from './protocol';

/** The detectors in the order the quick picks name them. */
export const DETECTORS: [keyof DetectorScores, string][] = [
    ['previous_token', 'previous token'], ['duplicate_token', 'duplicate token'], ['induction', 'induction'],
    ['induction_repeated_random', 'induction (repeated random)'],
];

export interface HeadRow { layer: number; head: number; label: string; scores: number[]; copying: number }

export function headRows(result: DetectHeadsResult): HeadRow[] {
    return result.heads.map(h => ({
        layer: h.layer, head: h.head, label: h.label,
        scores: DETECTORS.map(([k]) => h[k]),
        copying: h.ov_copying_score,
    }));
}

/** The layers of the model in order, each with its heads in order. */
export function layersAndHeads(result: DetectHeadsResult): Map<number, HeadRow[]> {
    const m = new Map<number, HeadRow[]>();
    for (const r of headRows(result)) m.set(r.layer, [...(m.get(r.layer) ?? []), r]);
    for (const rows of m.values()) rows.sort((a, b) => a.head - b.head);
    return new Map([...m.entries()].sort((a, b) => a[0] - b[0]));
}

/** One-line description of a head for quick picks: its strongest detector and its copying score. */
export function headDescription(r: HeadRow): string {
    let best = 0;
    r.scores.forEach((s, i) => { if ((s ?? 0) > (r.scores[best] ?? 0)) best = i; });
    return `${DETECTORS[best][1]} ${fmt(r.scores[best] ?? 0)} · copying ${fmt(r.copying ?? 0)}`;
}

function fmt(x: number): string {
    return Number.isFinite(x) ? x.toFixed(2) : String(x);
}

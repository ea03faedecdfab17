// The status bar text, read from the server's first code lens ("attn-only-2l · mean loss 3.123
// nats (4.51 bits) over 41 tokens"): the server has no separate request for it.

export interface PromptSummary {
    model: string;
    meanLossNats?: number;
    tokens?: number;
}

export function parseLensSummary(title: string): PromptSummary | undefined {
    const parts = title.split(' · ');
    if (parts.length < 2 || !parts[0].trim()) return undefined;
    const m = /mean loss (-?[\d.]+) nats.*?over (\d+) tokens/.exec(parts.slice(1).join(' · '));
    if (!m) return /no scored tokens/.test(title) ? { model: parts[0].trim(), tokens: 0 } : undefined;
    return { model: parts[0].trim(), meanLossNats: Number(m[1]), tokens: Number(m[2]) };
}

export function statusText(s: PromptSummary | undefined): string {
    if (!s) return '$(pulse) circuitscope';
    if (s.meanLossNats === undefined) return `$(pulse) ${s.model}`;
    return `$(pulse) ${s.model} · loss ${s.meanLossNats.toFixed(2)}`;
}

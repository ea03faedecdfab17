package org.circuitscope.lsp.feature;

import java.util.ArrayList;
import java.util.List;
import org.circuitscope.engine.LineIndex;
import org.circuitscope.engine.PromptRun;
import org.eclipse.lsp4j.SemanticTokens;
import org.eclipse.lsp4j.SemanticTokensLegend;

/**
 * Surprisal as a heat map: every scored token becomes a semantic token whose type is one of
 * five surprisal levels. Tokens are split at line ends and never overlap (byte tokens sharing a
 * character give it to the first), as the protocol requires.
 */
public final class SemanticTokensFeature {
    /** Custom token types, coolest first; themes and the VS Code extension colour them. */
    public static final List<String> TYPES = List.of(
            "surprisalVeryLow", "surprisalLow", "surprisalMedium", "surprisalHigh", "surprisalVeryHigh");
    /** Upper bounds (bits, exclusive) of the first four levels. */
    static final double[] BOUNDS = {1, 3, 6, 10};

    private SemanticTokensFeature() {}

    public static SemanticTokensLegend legend() { return new SemanticTokensLegend(TYPES, List.of()); }

    public static int level(double bits) {
        int l = 0;
        while (l < BOUNDS.length && bits >= BOUNDS[l]) l++;
        return l;
    }

    public static SemanticTokens tokens(PromptRun run, LineIndex idx) {
        List<Integer> data = new ArrayList<>();
        int prevLine = 0, prevChar = 0, lastEnd = 0;
        for (int p = 1; p < run.length(); p++) {
            int start = Math.max(run.starts()[p], lastEnd), end = run.ends()[p];
            if (start >= end) continue;
            lastEnd = end;
            int type = level(run.surprisalBits(p));
            for (int line = idx.lineOf(start); start < end; line++) {
                int lineEnd = Math.min(end, idx.lineEnd(line));
                if (lineEnd > start) {
                    int ch = idx.units(idx.lineStart(line), start), len = idx.units(start, lineEnd);
                    data.add(line - prevLine);
                    data.add(line == prevLine ? ch - prevChar : ch);
                    data.add(len);
                    data.add(type);
                    data.add(0);
                    prevLine = line;
                    prevChar = ch;
                }
                if (line + 1 >= idx.lineCount()) break;
                start = Math.max(start, idx.lineStart(line + 1));
            }
        }
        return new SemanticTokens(data);
    }
}

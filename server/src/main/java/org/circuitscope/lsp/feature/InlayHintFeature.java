package org.circuitscope.lsp.feature;

import java.util.ArrayList;
import java.util.List;
import org.circuitscope.engine.AnnotationMode;
import org.circuitscope.engine.Cancel;
import org.circuitscope.engine.LineIndex;
import org.circuitscope.engine.PromptRun;
import org.circuitscope.lsp.protocol.Positions;
import org.eclipse.lsp4j.InlayHint;
import org.eclipse.lsp4j.InlayHintKind;
import org.eclipse.lsp4j.jsonrpc.messages.Either;

/**
 * A short label after each scored token in the requested range: its surprisal in bits
 * ({@code surprisal}), the head with the largest direct contribution to its logit
 * ({@code top-head}), or the source token that head took it from ({@code top-source}).
 */
public final class InlayHintFeature {
    private InlayHintFeature() {}

    public static List<InlayHint> hints(PromptRun run, int from, int to, AnnotationMode mode, LineIndex idx,
                                        Cancel cancel) {
        List<InlayHint> out = new ArrayList<>();
        if (mode == AnnotationMode.OFF) return out;
        for (int p = 1; p < run.length(); p++) {
            if (run.ends()[p] <= from || run.starts()[p] >= to) continue;
            // Byte tokens of one character end at the same place: label only the last of them.
            if (p + 1 < run.length() && run.ends()[p + 1] == run.ends()[p] && run.starts()[p + 1] < run.ends()[p]) continue;
            cancel.check();
            String label = switch (mode) {
                case SURPRISAL -> Show.num(run.surprisalBits(p), 1) + "b";
                case TOP_HEAD -> {
                    org.circuitscope.circuits.HeadAttribution.Head h = run.heads(p - 1, run.ids()[p], 0, cancel).get(0);
                    yield h.label() + " " + Show.signed(h.logit());
                }
                case TOP_SOURCE -> {
                    org.circuitscope.circuits.HeadAttribution.Head h = run.heads(p - 1, run.ids()[p], 1, cancel).get(0);
                    org.circuitscope.circuits.HeadAttribution.Source s = h.sources().isEmpty() ? null : h.sources().get(0);
                    yield s == null ? h.label() : "←" + Show.token(run.model().tokenText(run.ids()[s.source()])) + " " + h.label();
                }
                case OFF -> throw new AssertionError();
            };
            InlayHint hint = new InlayHint(Positions.lsp(idx.position(run.ends()[p])), Either.forLeft(label));
            hint.setKind(InlayHintKind.Type);
            hint.setPaddingLeft(true);
            out.add(hint);
        }
        return out;
    }
}

package org.circuitscope.lsp.feature;

import java.util.ArrayList;
import java.util.List;
import org.circuitscope.engine.AnnotationMode;
import java.util.Map;
import org.circuitscope.engine.Cancel;
import org.circuitscope.engine.DocumentSaes;
import org.circuitscope.features.ActiveFeature;
import org.circuitscope.features.TokenFeatures;
import org.circuitscope.sae.SparseFeatures;
import org.circuitscope.engine.LineIndex;
import org.circuitscope.engine.PromptRun;
import org.circuitscope.lsp.protocol.Positions;
import org.eclipse.lsp4j.InlayHint;
import org.eclipse.lsp4j.InlayHintKind;
import org.eclipse.lsp4j.jsonrpc.messages.Either;

/**
 * A short label after each scored token in the requested range: its surprisal in bits
 * ({@code surprisal}), the head with the largest direct contribution to its logit
 * ({@code top-head}), the source token that head took it from ({@code top-source}), or its
 * strongest SAE feature and that feature's activation ({@code top-feature}; none where no
 * feature is active).
 */
public final class InlayHintFeature {
    private InlayHintFeature() {}

    public static List<InlayHint> hints(PromptRun run, int from, int to, AnnotationMode mode, LineIndex idx,
                                        Cancel cancel) {
        return hints(run, DocumentSaes.NONE, from, to, mode, idx, cancel);
    }

    /** As above; {@code top-feature} reads the document's SAEs (no hints without any). */
    public static List<InlayHint> hints(PromptRun run, DocumentSaes saes, int from, int to, AnnotationMode mode, LineIndex idx,
                                        Cancel cancel) {
        List<InlayHint> out = new ArrayList<>();
        if (mode == AnnotationMode.OFF) return out;
        Map<String, SparseFeatures> features = null;
        if (mode == AnnotationMode.TOP_FEATURE) {
            if (saes.isEmpty()) return out;
            features = TokenFeatures.encode(saes.set(), run.acts().getAll(TokenFeatures.hooks(saes.set()), cancel));
        }
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
                case TOP_FEATURE -> {
                    List<ActiveFeature> top = TokenFeatures.top(features, p, 1);
                    yield top.isEmpty() ? null : top.get(0).id() + " " + Show.num(top.get(0).activation(), 2);
                }
                case OFF -> throw new AssertionError();
            };
            if (label == null) continue;
            InlayHint hint = new InlayHint(Positions.lsp(idx.position(run.ends()[p])), Either.forLeft(label));
            hint.setKind(InlayHintKind.Type);
            hint.setPaddingLeft(true);
            out.add(hint);
        }
        return out;
    }
}

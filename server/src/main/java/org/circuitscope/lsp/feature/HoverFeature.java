package org.circuitscope.lsp.feature;

import java.util.ArrayList;
import java.util.List;
import org.circuitscope.circuits.HeadAttribution;
import java.util.Map;
import org.circuitscope.engine.Cancel;
import org.circuitscope.engine.DocumentSaes;
import org.circuitscope.features.ActiveFeature;
import org.circuitscope.features.FeatureLabel;
import org.circuitscope.features.TokenFeatures;
import org.circuitscope.tensor.Tensor;
import org.circuitscope.engine.LineIndex;
import org.circuitscope.engine.ModelHandle;
import org.circuitscope.engine.PromptRun;
import org.circuitscope.engine.Settings;
import org.circuitscope.lsp.protocol.Positions;
import org.circuitscope.lsp.protocol.ViewLinks;
import org.circuitscope.model.LogitOps;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.MarkupContent;
import org.eclipse.lsp4j.MarkupKind;

/**
 * The token card: text and id, probability, surprisal and rank under the prediction at the
 * position before, that prediction's top-k, the heads (and the source tokens through them)
 * with the largest direct contribution to the token's logit, the token's strongest SAE features
 * with their labels, and command links.
 */
public final class HoverFeature {
    static final int HEADS_SHOWN = 3;

    private HoverFeature() {}

    /** Features listed per token. */
    static final int FEATURES_SHOWN = 5;

    public static Hover hover(PromptRun run, int offset, LineIndex idx, Settings settings, Cancel cancel) {
        return hover(run, DocumentSaes.NONE, offset, idx, settings, ViewLinks.COMMANDS, cancel);
    }

    public static Hover hover(PromptRun run, int offset, LineIndex idx, Settings settings, ViewLinks links, Cancel cancel) {
        return hover(run, DocumentSaes.NONE, offset, idx, settings, links, cancel);
    }

    /** The hover, with the token's features under {@code saes}, its links to views going where {@code links} says. */
    public static Hover hover(PromptRun run, DocumentSaes saes, int offset, LineIndex idx, Settings settings, ViewLinks links, Cancel cancel) {
        int p = run.positionAt(offset);
        if (p < 0) return null;
        TokenCard card = card(run, saes, p, idx, settings.topK(), cancel);
        Hover h = new Hover(new MarkupContent(MarkupKind.MARKDOWN, TokenCardMarkdown.render(card, links)));
        h.setRange(Positions.range(idx, run.starts()[p], run.ends()[p]));
        return h;
    }

    /** The card of the token at model position {@code p}. */
    public static TokenCard card(PromptRun run, int p, LineIndex idx, int topK, Cancel cancel) {
        return card(run, DocumentSaes.NONE, p, idx, topK, cancel);
    }

    /** The card of the token at model position {@code p}, with its features under {@code saes}. */
    public static TokenCard card(PromptRun run, DocumentSaes saes, int p, LineIndex idx, int topK, Cancel cancel) {
        ModelHandle m = run.model();
        int id = run.ids()[p];
        TokenCard.Prediction prediction = null;
        List<TokenCard.HeadRow> rows = new ArrayList<>();
        if (run.scored(p)) {
            List<TokenCard.Choice> top = new ArrayList<>();
            for (LogitOps.Scored s : run.acts().topK(p - 1, topK)) {
                top.add(new TokenCard.Choice(s.token(), m.tokenText(s.token()), Math.exp(s.score()), s.token() == id));
            }
            prediction = new TokenCard.Prediction(Math.exp(run.logProbAt(p)), run.surprisalBits(p), run.rankAt(p),
                    m.tokenText(run.ids()[p - 1]), List.copyOf(top));
            cancel.check();
            List<HeadAttribution.Head> heads = run.heads(p - 1, id, HEADS_SHOWN, cancel);
            for (HeadAttribution.Head h : heads.subList(0, Math.min(HEADS_SHOWN, heads.size()))) {
                HeadAttribution.Source s = h.sources().isEmpty() ? null : h.sources().get(0);
                rows.add(new TokenCard.HeadRow(h.layer(), h.head(), h.label(), h.logit(),
                        s == null ? null : new TokenCard.Source(s.source(), m.tokenText(run.ids()[s.source()]), s.logit())));
            }
        }
        return new TokenCard(run.doc().uri(), p, id, m.tokenText(id), idx.position(run.starts()[p]), prediction, List.copyOf(rows),
                features(run, saes, p, FEATURES_SHOWN, cancel));
    }

    /** The {@code n} strongest features of position {@code p} over the document's SAEs, with their labels. */
    static List<TokenCard.FeatureRow> features(PromptRun run, DocumentSaes saes, int p, int n, Cancel cancel) {
        if (saes.isEmpty()) return List.of();
        cancel.check();
        Map<String, Tensor> acts = run.acts().getAll(TokenFeatures.hooks(saes.set()), cancel);
        List<TokenCard.FeatureRow> out = new ArrayList<>();
        for (ActiveFeature a : TokenFeatures.top(TokenFeatures.encodeRow(saes.set(), acts, p), 0, n)) {
            out.add(new TokenCard.FeatureRow(a.id().toString(), a.activation(),
                    FeatureLabel.of(a.id(), saes.logits(), saes.corpus(), run.model()::tokenText)));
        }
        return List.copyOf(out);
    }
}

package org.circuitscope.lsp.feature;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.circuitscope.engine.ActivationStore;
import org.circuitscope.engine.Cancel;
import org.circuitscope.engine.LineIndex;
import org.circuitscope.engine.ModelHandle;
import org.circuitscope.engine.PromptRun;
import org.circuitscope.lsp.protocol.Positions;
import org.circuitscope.model.LogitOps;
import org.circuitscope.model.RunOptions;
import org.circuitscope.tensor.Tensor;
import org.circuitscope.tokenizer.Encoding;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionItemKind;
import org.eclipse.lsp4j.CompletionList;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.jsonrpc.messages.Either;

/**
 * The model's next-token distribution at the cursor as completion items (probability in the
 * detail, ordered by rank). Reads the analysed logits when the text before the cursor is a
 * token prefix of the analysed prompt, else runs the model on that text.
 */
public final class CompletionFeature {
    private CompletionFeature() {}

    public static CompletionList complete(PromptRun run, int cursor, LineIndex idx, int k, Cancel cancel) {
        CompletionList empty = new CompletionList(false, List.of());
        int bodyStart = run.frontMatter().bodyStart();
        if (cursor < bodyStart) return empty;
        ModelHandle m = run.model();
        Encoding e = m.encode(run.doc().text().substring(bodyStart, cursor));
        int bos = run.bos() ? 1 : 0;
        int n = e.size() + bos;
        if (n == 0 || n > m.config().nCtx()) return empty;
        int[] ids = new int[n];
        if (bos == 1) ids[0] = run.ids()[0];
        System.arraycopy(e.ids(), 0, ids, bos, e.size());
        double[] lp;
        if (n <= run.length() && Arrays.equals(ids, 0, n, run.ids(), 0, n)) {
            lp = run.nextLogProbs(n - 1);
        } else {
            Tensor logits = m.transformer().run(ids, new RunOptions(x -> false, ActivationStore.cancelHooks(m.config(), cancel))).logits();
            lp = LogitOps.logSoftmax(logits, n - 1);
        }
        cancel.check();
        Range at = Positions.range(idx, cursor, cursor);
        List<CompletionItem> items = new ArrayList<>();
        int rank = 0;
        for (LogitOps.Scored s : LogitOps.topK(lp, k)) {
            rank++;
            String text = m.decodedText(s.token());
            if (text.isEmpty() || text.indexOf('\uFFFD') >= 0) continue; // part of a character: nothing insertable
            CompletionItem item = new CompletionItem(Show.token(text));
            item.setKind(CompletionItemKind.Text);
            item.setDetail("p = " + Show.percent(Math.exp(s.score())) + " · token " + s.token());
            item.setSortText(String.format("%05d", rank));
            item.setFilterText(text.strip().isEmpty() ? text : text.strip());
            item.setTextEdit(Either.forLeft(new TextEdit(at, text)));
            items.add(item);
        }
        return new CompletionList(true, items);
    }
}

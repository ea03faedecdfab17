package org.circuitscope.lsp.feature;

import java.util.ArrayList;
import java.util.List;
import org.circuitscope.engine.Analysis;
import org.circuitscope.engine.DocumentSaes;
import org.circuitscope.engine.DocumentSize;
import org.circuitscope.engine.FrontMatter;
import org.circuitscope.engine.LineIndex;
import org.circuitscope.engine.PromptRun;
import org.circuitscope.engine.Settings;
import org.circuitscope.lsp.protocol.Positions;
import org.circuitscope.lsp.protocol.Snippet;
import org.circuitscope.tokenizer.Encoding;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DiagnosticSeverity;
import org.eclipse.lsp4j.Range;

/**
 * Diagnostics only for real problems: no model or an unreadable one, no tokenizer, a prompt
 * cut at the model's context, front matter that cannot be read (or a target/contrast that
 * is not one token), and SAE folders that cannot be used (missing, unreadable, made for another
 * model: a warning, since the analysis goes on without them). Never one per token.
 */
public final class DiagnosticsFeature {
    public static final String SOURCE = "circuitscope";

    private DiagnosticsFeature() {}

    public static List<Diagnostic> diagnostics(Analysis a, LineIndex idx, Settings settings) {
        List<Diagnostic> out = new ArrayList<>();
        if (a.tooLarge()) {
            out.add(diag(idx, 0, 0, DiagnosticSeverity.Warning, "the document is over " + (DocumentSize.MAX_BYTES >> 20)
                    + " MiB: circuitscope does not analyse it (the command line's limit is the same)", "document-too-large"));
            return out;
        }
        FrontMatter fm = a.frontMatter();
        for (FrontMatter.Problem p : fm.problems()) out.add(diag(idx, p.start(), p.end(), DiagnosticSeverity.Error, p.message(), "front-matter"));
        if (a.problem() != null && a.problem().kind() == org.circuitscope.engine.ModelCache.ModelProblem.Kind.BACKEND) {
            // Asked for and not there: said where it was asked for (the front matter's backend line, else the top), once per document.
            int[] at = fm.backend() != null ? keyRange(a.doc().text(), fm, "backend") : new int[] {0, 0};
            out.add(diag(idx, at[0], at[1], DiagnosticSeverity.Warning, a.problem().getMessage() + "; this prompt runs on the simd backend",
                    "backend-not-installed"));
        } else if (a.problem() != null) {
            int[] at = keyRange(a.doc().text(), fm, "model");
            out.add(diag(idx, at[0], at[1], DiagnosticSeverity.Error, a.problem().getMessage(), "model-" + a.problem().kind().name().toLowerCase().replace('_', '-')));
        }
        for (DocumentSaes.Problem p : a.saes().problems()) {
            int[] at = p.fromFrontMatter() ? keyRange(a.doc().text(), fm, "saes") : new int[] {0, 0};
            out.add(diag(idx, at[0], at[1], DiagnosticSeverity.Warning, (p.fromFrontMatter() ? "" : "circuitscope.saes setting: ") + p.message(), "sae"));
        }
        PromptRun run = a.run();
        if (run != null) {
            if (run.truncatedAt() >= 0) {
                out.add(diag(idx, run.truncatedAt(), a.doc().text().length(), DiagnosticSeverity.Warning,
                        "the prompt is longer than the model's context (n_ctx = " + run.model().config().nCtx() + " tokens"
                                + (run.bos() ? ", BOS included" : "") + "); only the text before this point is analysed",
                        "context-overflow"));
            }
            checkToken(out, idx, a, "target", fm.target());
            checkToken(out, idx, a, "contrast", fm.contrast());
        }
        return out;
    }

    /** A corpus scan the front matter names that cannot be used (missing, malformed, another model's), on its {@code scan:} line. */
    public static Diagnostic scanProblem(Analysis a, LineIndex idx, String message) {
        int[] at = keyRange(a.doc().text(), a.frontMatter(), "scan");
        return diag(idx, at[0], at[1], DiagnosticSeverity.Error, message, "scan");
    }

    private static void checkToken(List<Diagnostic> out, LineIndex idx, Analysis a, String key, String value) {
        if (value == null) return;
        Encoding e = a.run().model().encode(value);
        if (e.size() != 1) {
            int[] at = keyRange(a.doc().text(), a.frontMatter(), key);
            out.add(diag(idx, at[0], at[1], DiagnosticSeverity.Warning, "circuitscope." + key + " " + Snippet.of(value) + " is " + e.size()
                    + " tokens under " + a.run().model().name() + "; it must be exactly one token (mind the leading space)", "not-one-token"));
        }
    }

    /** The line of {@code key:} inside the front matter, else the document's first line start. */
    private static int[] keyRange(String text, FrontMatter fm, String key) {
        int i = fm.bodyStart() > 0 ? text.substring(0, fm.bodyStart()).indexOf(key + ":") : -1;
        if (i < 0) return new int[] {0, 0};
        int end = i;
        while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') end++;
        return new int[] {i, end};
    }

    private static Diagnostic diag(LineIndex idx, int from, int to, DiagnosticSeverity sev, String msg, String code) {
        Diagnostic d = new Diagnostic(Positions.range(idx, from, to), msg, sev, SOURCE);
        d.setCode(code);
        return d;
    }
}

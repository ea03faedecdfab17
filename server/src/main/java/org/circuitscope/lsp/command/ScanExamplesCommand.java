package org.circuitscope.lsp.command;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.circuitscope.circuits.HeadIndex;
import org.circuitscope.engine.DocumentScans;
import org.circuitscope.engine.PromptWorkspace;
import org.circuitscope.lsp.protocol.CommandIds;
import org.circuitscope.lsp.protocol.Params;
import org.circuitscope.lsp.protocol.Snippet;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.report.ScanExamplesReport;
import org.circuitscope.scan.ScanResult;

/**
 * {@code circuitscope.scanExamples}: a corpus scan's top examples of {@code head} ({@code "1.0"}
 * or {@code "L1H0"}) or {@code neuron} ({@code "0.42"} or {@code "L0N42"}) with the head's corpus
 * statistics ({@link ScanExamplesReport}). The scan is the one the document names (front matter
 * {@code scan:}, else the {@code scanDir} setting) and must be of the document's model; its
 * absence, a malformed scan or another model's is RequestFailed saying which.
 */
final class ScanExamplesCommand implements ServerCommand {
    private static final Pattern NEURON = Pattern.compile("(?i)L?(\\d{1,6})[N.](\\d{1,9})");
    private final PromptWorkspace ws;

    ScanExamplesCommand(PromptWorkspace ws) { this.ws = ws; }

    @Override public String id() { return CommandIds.SCAN_EXAMPLES; }

    @Override
    public Object run(CommandCall call) {
        String cmd = call.command();
        String head = Params.optString(call.args(), "head", cmd), neuron = Params.optString(call.args(), "neuron", cmd);
        if ((head == null) == (neuron == null)) {
            throw Params.invalid(cmd + ": give exactly one of 'head' (\"1.0\" or \"L1H0\") and 'neuron' (\"0.42\" or \"L0N42\")");
        }
        ModelConfig cfg = call.model().config();
        HeadIndex h = head == null ? null : head(head, cfg, cmd);
        int[] n = neuron == null ? null : neuron(neuron, cfg, cmd);
        DocumentScans.Found found;
        try {
            found = ws.scan(call.run().doc(), cfg);
        } catch (DocumentScans.ScanProblem p) {
            throw Params.failed(cmd + ": " + p.getMessage());
        }
        if (found == null) {
            throw Params.failed(cmd + ": no corpus scan is named: set circuitscope.scanDir, or write 'scan: <directory>' under"
                    + " 'circuitscope:' in the front matter (a directory written by circuitscope scan)");
        }
        ScanResult r = found.result();
        String dir = found.location().dir().toString();
        if (h != null) {
            expect(r.headExamples(), cfg.nLayers() * cfg.nHeads(), h.layer() * cfg.nHeads() + h.head(), h.layer(), h.head(), dir, cmd);
            if (r.summary().heads() == null || r.summary().heads().size() != cfg.nLayers() * cfg.nHeads()) {
                throw Params.failed(cmd + ": the scan in " + dir + " is malformed: summary.json lacks the heads' statistics");
            }
            return ScanExamplesReport.head(dir, r, h.layer(), h.head());
        }
        int dMlp = r.summary().model().dMlp();
        if (r.summary().neurons() == 0) {
            throw Params.invalid(cmd + ": the scan in " + dir + " has no neuron examples"
                    + (r.summary().neuronsNote() != null ? " (" + r.summary().neuronsNote() + ")" : ""));
        }
        if (n[1] >= dMlp) throw Params.invalid(cmd + ": neuron L" + n[0] + "N" + n[1] + " does not exist; the MLPs have " + dMlp + " neurons (0.." + (dMlp - 1) + ")");
        expect(r.neuronExamples(), cfg.nLayers() * dMlp, n[0] * dMlp + n[1], n[0], n[1], dir, cmd);
        return ScanExamplesReport.neuron(dir, r, n[0], n[1]);
    }

    private static HeadIndex head(String s, ModelConfig cfg, String cmd) {
        if (s.length() > Snippet.MAX) throw Params.invalid(cmd + ": " + Snippet.of(s) + " is not a head; write L1H6 or 1.6");
        try {
            return HeadIndex.parse(s, cfg);
        } catch (IllegalArgumentException e) {
            throw Params.invalid(cmd + ": " + e.getMessage());
        }
    }

    /** [layer, neuron]; the neuron's range is checked against the scan, whose d_mlp is what it recorded. */
    private static int[] neuron(String s, ModelConfig cfg, String cmd) {
        Matcher m = NEURON.matcher(s.strip());
        if (!m.matches()) throw Params.invalid(cmd + ": " + Snippet.of(s) + " is not a neuron; write L0N42 or 0.42 (layer, neuron)");
        int l = Integer.parseInt(m.group(1)), k = Integer.parseInt(m.group(2));
        if (cfg.attnOnly()) throw Params.invalid(cmd + ": " + cfg.modelName() + " is attention-only: it has no MLP neurons");
        if (l >= cfg.nLayers()) {
            throw Params.invalid(cmd + ": neuron " + s.strip().toUpperCase(Locale.ROOT) + " does not exist; " + cfg.modelName() + " has "
                    + cfg.nLayers() + " layers (0.." + (cfg.nLayers() - 1) + ")");
        }
        return new int[] {l, k};
    }

    /** The scan's list holds one entry per unit, in order: else it is malformed (cut short, or edited). */
    private static void expect(List<ScanResult.UnitExamples> list, int size, int at, int layer, int index, String dir, String cmd) {
        ScanResult.UnitExamples u = list == null || list.size() != size ? null : list.get(at);
        if (u == null || u.layer() != layer || u.index() != index || u.examples() == null) {
            throw Params.failed(cmd + ": the scan in " + dir + " is malformed: its examples file does not hold " + size
                    + " entries in layer-major order (" + (list == null ? 0 : list.size()) + " found); run the scan again");
        }
    }
}

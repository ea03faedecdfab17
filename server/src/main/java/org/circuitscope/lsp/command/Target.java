package org.circuitscope.lsp.command;

import com.google.gson.JsonObject;
import org.circuitscope.tokenizer.Encoding;
import org.circuitscope.engine.LineIndex;
import org.circuitscope.engine.PromptRun;
import org.circuitscope.engine.TextPosition;
import org.circuitscope.lsp.protocol.Params;
import org.circuitscope.lsp.protocol.Snippet;

/**
 * Which logit a command explains: the token {@code id} as predicted at model position
 * {@code pos} (logits row {@code pos}). From {@code position} (an LSP position on a token: its
 * own prediction) or, without one, the prediction after the last token of the prompt; an
 * optional {@code target} token string (else the front matter's) replaces the token.
 *
 * @param token the model position of the token at {@code position}, or -1 after the prompt
 */
record Target(int pos, int id, int token) {

    static Target of(CommandCall call) {
        JsonObject o = call.args();
        PromptRun run = call.run();
        LineIndex idx = call.index();
        String command = call.command();
        TextPosition at = Params.position(o, "position", command);
        String target = Params.optString(o, "target", command);
        if (target == null) target = run.frontMatter().target();
        Integer targetId = target == null ? null : single(run, target, command);
        if (at == null) {
            if (targetId == null) {
                throw Params.invalid(command + ": give 'position' (a token of the prompt) or 'target' (a token to predict after it),"
                        + " or set circuitscope.target in the front matter");
            }
            return new Target(run.length() - 1, targetId, -1);
        }
        int off = idx.offset(at);
        if (off < 0 || off > run.doc().text().length()) {
            throw Params.invalid(command + ": position " + at.line() + ":" + at.character() + " is outside the document ("
                    + idx.lineCount() + " lines)");
        }
        int p = run.positionAt(off);
        if (p < 0) throw Params.invalid(command + ": no analysed token at " + at.line() + ":" + at.character());
        if (p == 0) throw Params.invalid(command + ": the first token has no prediction before it; pick a later token or prepend BOS");
        return new Target(p - 1, targetId != null ? targetId : run.ids()[p], p);
    }

    /** The {@code contrast} argument (else the front matter's) as a token id; -1 when there is none. */
    static int contrast(CommandCall call, int target) {
        String c = Params.optString(call.args(), "contrast", call.command());
        if (c == null) c = call.run().frontMatter().contrast();
        if (c == null) return -1;
        int id = single(call.run(), c, call.command());
        if (id == target) throw Params.invalid(call.command() + ": the contrast is the target token itself; the difference would be 0");
        return id;
    }

    private static int single(PromptRun run, String s, String command) {
        Encoding e = run.model().encode(s);
        if (e.size() != 1) throw Params.invalid(command + ": target " + Snippet.of(s) + " is " + e.size() + " tokens; it must be exactly one token");
        return e.ids()[0];
    }
}

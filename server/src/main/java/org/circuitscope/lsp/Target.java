package org.circuitscope.lsp;

import com.google.gson.JsonObject;
import org.circuitscope.tokenizer.Encoding;
import org.eclipse.lsp4j.Position;

/**
 * Which logit a command explains: the token {@code id} as predicted at model position
 * {@code pos} (logits row {@code pos}). From {@code position} (an LSP position on a token: its
 * own prediction) or, without one, the prediction after the last token of the prompt; an
 * optional {@code target} token string (else the front matter's) replaces the token.
 *
 * @param token the model position of the token at {@code position}, or -1 after the prompt
 */
record Target(int pos, int id, int token) {

    static Target of(JsonObject o, PromptRun run, LineIndex idx, String command) {
        Position at = Params.position(o, "position", command);
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
            throw Params.invalid(command + ": position " + at.getLine() + ":" + at.getCharacter() + " is outside the document ("
                    + idx.lineCount() + " lines)");
        }
        int p = run.positionAt(off);
        if (p < 0) throw Params.invalid(command + ": no analysed token at " + at.getLine() + ":" + at.getCharacter());
        if (p == 0) throw Params.invalid(command + ": the first token has no prediction before it; pick a later token or prepend BOS");
        return new Target(p - 1, targetId != null ? targetId : run.ids()[p], p);
    }

    private static int single(PromptRun run, String s, String command) {
        Encoding e = run.model().encode(s);
        if (e.size() != 1) throw Params.invalid(command + ": target '" + s + "' is " + e.size() + " tokens; it must be exactly one token");
        return e.ids()[0];
    }
}

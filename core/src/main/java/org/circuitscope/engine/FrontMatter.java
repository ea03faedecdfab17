package org.circuitscope.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.circuitscope.io.Excerpt;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The optional YAML block between {@code ---} lines at the top of a prompt file. Other tools'
 * keys (Prompty, Dotprompt) are left alone; ours sit under {@code circuitscope:}:
 * {@code model} (a directory, relative to the file, then the workspace), {@code target} and
 * {@code contrast} (token strings), {@code prepend_bos}, {@code annotations}, {@code saes}
 * (sparse autoencoder folders, relative to the file, then the workspace: one path or a list) and
 * {@code backend} ("simd" or "djl", over the setting).
 *
 * @param bodyStart UTF-16 offset where the analysed body starts (0 without front matter)
 * @param saes      the SAE folders named, as written (null when the key is absent: the setting decides)
 * @param problems  what was wrong in the block, each with the offset range it concerns
 */
public record FrontMatter(int bodyStart, String model, String target, String contrast, Boolean prependBos,
                          AnnotationMode annotations, List<String> saes, List<Problem> problems, String backend) {

    public record Problem(int start, int end, String message) {}

    static final FrontMatter NONE = new FrontMatter(0, null, null, null, null, null, null, List.of(), null);

    /** Splits off and reads the front matter of a document's text. */
    public static FrontMatter parse(String text) {
        int first = lineEnd(text, 0);
        if (!text.substring(0, first).strip().equals("---") || first == text.length()) return NONE;
        int pos = next(text, first);
        int blockStart = pos;
        while (pos < text.length()) {
            int end = lineEnd(text, pos);
            String line = text.substring(pos, end).strip();
            if (line.equals("---") || line.equals("...")) {
                return read(text.substring(blockStart, pos), blockStart, next(text, end));
            }
            pos = next(text, end);
        }
        return NONE; // no closing line: not front matter, all of it is prompt
    }

    private static FrontMatter read(String yaml, int at, int bodyStart) {
        List<Problem> problems = new ArrayList<>();
        Object root;
        try {
            LoaderOptions lo = new LoaderOptions();
            lo.setAllowDuplicateKeys(true);
            lo.setMaxAliasesForCollections(20);
            root = new Yaml(new SafeConstructor(lo)).load(yaml);
        } catch (YAMLException e) {
            problems.add(new Problem(at, at + yaml.length(), "front matter is not valid YAML: " + firstLine(e.getMessage())));
            return new FrontMatter(bodyStart, null, null, null, null, null, null, problems, null);
        } catch (StackOverflowError e) {
            // SnakeYAML hashes mapping keys before it checks them for recursion: a key holding an
            // alias to itself (? &a [[*a]]) recurses without end. The loader is discarded, so this is safe.
            problems.add(new Problem(at, at + yaml.length(), "front matter is not valid YAML: a key refers to itself through an alias"));
            return new FrontMatter(bodyStart, null, null, null, null, null, null, problems, null);
        }
        if (!(root instanceof Map<?, ?> top) || !(top.get("circuitscope") instanceof Map<?, ?> ours)) {
            if (root instanceof Map<?, ?> t && t.containsKey("circuitscope") && t.get("circuitscope") != null) {
                problems.add(new Problem(at, at + yaml.length(), "front matter key 'circuitscope' must hold a mapping (model:, target:, ...)"));
            }
            return new FrontMatter(bodyStart, null, null, null, null, null, null, problems, null);
        }
        String model = string(ours, "model", yaml, at, problems);
        String target = string(ours, "target", yaml, at, problems);
        String contrast = string(ours, "contrast", yaml, at, problems);
        Boolean bos = null;
        Object b = ours.get("prepend_bos");
        if (b instanceof Boolean x) bos = x;
        else if (b != null) problems.add(problem(yaml, at, "prepend_bos", "circuitscope.prepend_bos must be true or false, not " + describe(b)));
        AnnotationMode mode = null;
        Object a = ours.get("annotations");
        if (a instanceof Boolean on) {
            // YAML 1.1 reads a bare off/on as a boolean.
            mode = on ? AnnotationMode.SURPRISAL : AnnotationMode.OFF;
        } else if (a != null) {
            mode = a instanceof Map || a instanceof Collection ? null : AnnotationMode.parse(String.valueOf(a));
            if (mode == null) problems.add(problem(yaml, at, "annotations",
                    "circuitscope.annotations must be off, surprisal, top-head, top-source or top-feature, not " + describe(a)));
        }
        List<String> saes = saes(ours, yaml, at, problems);
        String backend = string(ours, "backend", yaml, at, problems);
        if (backend != null && !List.of("simd", "djl").contains(Backends.normalise(backend))) {
            problems.add(problem(yaml, at, "backend", "circuitscope.backend must be simd or djl, not " + describe(backend)));
            backend = null;
        }
        return new FrontMatter(bodyStart, model, target, contrast, bos, mode, saes, List.copyOf(problems), backend == null ? null : Backends.normalise(backend));
    }

    /** {@code saes: dir} or {@code saes: [dir, ...]}; entries that are not plain values are problems and left out. */
    private static List<String> saes(Map<?, ?> m, String yaml, int at, List<Problem> problems) {
        if (!m.containsKey("saes")) return null;
        Object v = m.get("saes");
        if (v == null) return List.of();
        if (v instanceof Map) {
            problems.add(problem(yaml, at, "saes", "circuitscope.saes must be a folder or a list of folders, not a mapping"));
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (Object e : v instanceof Collection<?> c ? c : List.of(v)) {
            if (e == null || e instanceof Map || e instanceof Collection) {
                problems.add(problem(yaml, at, "saes", "circuitscope.saes entries must be folder paths, not " + (e == null ? "empty" : describe(e))));
            } else {
                out.add(String.valueOf(e));
            }
        }
        return List.copyOf(out);
    }

    private static String string(Map<?, ?> m, String key, String yaml, int at, List<Problem> problems) {
        Object v = m.get(key);
        if (v == null) return null;
        if (v instanceof Map || v instanceof Collection) {
            problems.add(problem(yaml, at, key, "circuitscope." + key + " must be a single value"));
            return null;
        }
        return String.valueOf(v);
    }

    /** A problem placed on the line that names the key, else on the whole block. */
    private static Problem problem(String yaml, int at, String key, String msg) {
        int i = yaml.indexOf(key + ":");
        return i < 0 ? new Problem(at, at + yaml.length(), msg) : new Problem(at + i, at + lineEnd(yaml, i), msg);
    }

    /**
     * A value for a message: a collection by its kind, since YAML aliases can make one contain
     * itself (printing it would never end), and a scalar cut to 40 characters.
     */
    private static String describe(Object v) {
        if (v instanceof Map) return "a mapping";
        if (v instanceof Collection) return "a list";
        String s = String.valueOf(v);
        return "'" + Excerpt.of(s) + "'";
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }

    private static int lineEnd(String s, int from) {
        int i = from;
        while (i < s.length() && s.charAt(i) != '\n' && s.charAt(i) != '\r') i++;
        return i;
    }

    /** Offset of the next line's start given the offset where a line's content ends. */
    private static int next(String s, int lineEnd) {
        if (lineEnd >= s.length()) return s.length();
        if (s.charAt(lineEnd) == '\r' && lineEnd + 1 < s.length() && s.charAt(lineEnd + 1) == '\n') return lineEnd + 2;
        return lineEnd + 1;
    }
}

package org.circuitscope.lsp;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An LSP4IJ custom template folder ({@code intellij-plugin/lsp4ij-template}) read the way LSP4IJ's
 * "Import from custom template…" reads one: {@code template.json}'s {@code id}, {@code name},
 * {@code programArgs} per OS ({@code windows}, {@code mac}, {@code unix}, falling back to
 * {@code default}) and {@code fileTypeMappings} (file name patterns → LSP language id).
 * Written from LSP4IJ's documentation and template files; stricter than LSP4IJ (which is lenient
 * Gson) so a file that only LSP4IJ's leniency would accept fails here.
 */
record Lsp4ijTemplate(Path folder, String id, String name, Map<String, String> programArgs, List<Mapping> fileTypeMappings) {
    /** The JSON files LSP4IJ reads from a template folder (all but template.json optional for LSP4IJ; all present here). */
    static final List<String> JSON_FILES = List.of("template.json", "settings.json", "settings.schema.json",
            "initializationOptions.json", "clientSettings.json");

    /** One entry of {@code fileTypeMappings}: {@code {"fileType": {"patterns": [...]}, "languageId": ...}}. */
    record Mapping(List<String> patterns, String languageId) {
        /** Whether a file name matches one of the patterns (IntelliJ's wildcards: {@code *} and {@code ?}). */
        boolean matches(String fileName) {
            return patterns.stream().anyMatch(p -> FileSystems.getDefault().getPathMatcher("glob:" + p).matches(Path.of(fileName)));
        }
    }

    static Lsp4ijTemplate load(Path folder) throws IOException {
        JsonObject t = readObject(folder.resolve("template.json"));
        Map<String, String> args = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : member(t, "programArgs", "template.json").getAsJsonObject().entrySet()) {
            args.put(e.getKey(), string(e.getValue(), "template.json: programArgs." + e.getKey()));
        }
        List<Mapping> mappings = new ArrayList<>();
        JsonArray ftm = array(member(t, "fileTypeMappings", "template.json"), "template.json: fileTypeMappings");
        for (int i = 0; i < ftm.size(); i++) {
            String where = "template.json: fileTypeMappings[" + i + "]";
            JsonObject m = object(ftm.get(i), where);
            List<String> patterns = new ArrayList<>();
            for (JsonElement p : array(member(object(member(m, "fileType", where), where), "patterns", where + ".fileType"), where + ".fileType.patterns")) {
                patterns.add(string(p, where + ".fileType.patterns"));
            }
            mappings.add(new Mapping(List.copyOf(patterns), string(member(m, "languageId", where), where + ".languageId")));
        }
        return new Lsp4ijTemplate(folder, string(member(t, "id", "template.json"), "template.json: id"),
                string(member(t, "name", "template.json"), "template.json: name"), Map.copyOf(args), List.copyOf(mappings));
    }

    /** A file of the folder parsed as strict JSON (RFC 8259: no comments, no trailing commas), which must be an object. */
    static JsonObject readObject(Path file) throws IOException {
        JsonReader r = new JsonReader(new StringReader(Files.readString(file)));
        r.setStrictness(Strictness.STRICT);
        try {
            JsonElement e = JsonParser.parseReader(r); // keeps STRICT (only LEGACY_STRICT is loosened)
            if (r.peek() != com.google.gson.stream.JsonToken.END_DOCUMENT) throw new JsonParseException("text after the JSON value");
            return object(e, file.getFileName().toString());
        } catch (JsonParseException | IllegalStateException | IOException e) {
            throw new IllegalArgumentException(file + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** LSP4IJ's OS key for a {@code os.name}: windows, mac or unix. */
    static String osKey(String osName) {
        String os = osName.toLowerCase(Locale.ROOT);
        return os.startsWith("windows") ? "windows" : os.startsWith("mac") ? "mac" : "unix";
    }

    /** The command line for an OS: its own entry, else {@code default}. */
    String programArgsFor(String osName) {
        String own = programArgs.get(osKey(osName));
        if (own != null) return own;
        String def = programArgs.get("default");
        if (def == null) throw new IllegalArgumentException("template.json: programArgs has neither \"" + osKey(osName) + "\" nor \"default\"");
        return def;
    }

    /** The language id LSP4IJ sends for a file name, if a mapping takes it. */
    Optional<String> languageIdFor(String fileName) {
        return fileTypeMappings.stream().filter(m -> m.matches(fileName)).map(Mapping::languageId).findFirst();
    }

    /**
     * A command line split into words as LSP4IJ splits it: at spaces outside double quotes, the
     * quotes themselves dropped (no escapes), empty words skipped.
     */
    static List<String> commandWords(String commandLine) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        for (char c : commandLine.toCharArray()) {
            if (c == '"') quoted = !quoted;
            else if (c == ' ' && !quoted) flush(word, words);
            else word.append(c);
        }
        flush(word, words);
        return words;
    }

    /** A program name looked up in a PATH value as a shell would (first executable file wins); a name with a separator is taken as it is. */
    static Path resolveOnPath(String program, String path) {
        if (program.contains("/") || program.contains(File.separator)) return Path.of(program);
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return p;
        }
        throw new IllegalArgumentException("'" + program + "' is not an executable file in any folder of PATH=" + path);
    }

    private static void flush(StringBuilder word, List<String> words) {
        String w = word.toString().trim();
        if (!w.isEmpty()) words.add(w);
        word.setLength(0);
    }

    private static JsonElement member(JsonObject o, String name, String where) {
        JsonElement e = o.get(name);
        if (e == null || e.isJsonNull()) throw new IllegalArgumentException(where + ": \"" + name + "\" is missing");
        return e;
    }

    private static JsonObject object(JsonElement e, String where) {
        if (!e.isJsonObject()) throw new IllegalArgumentException(where + ": an object was expected, found " + e);
        return e.getAsJsonObject();
    }

    private static JsonArray array(JsonElement e, String where) {
        if (!e.isJsonArray()) throw new IllegalArgumentException(where + ": an array was expected, found " + e);
        return e.getAsJsonArray();
    }

    private static String string(JsonElement e, String where) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString() || e.getAsString().isBlank()) {
            throw new IllegalArgumentException(where + ": a non-empty string was expected, found " + e);
        }
        return e.getAsString();
    }
}

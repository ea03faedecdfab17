package org.circuitscope.tokenizer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The fields of a Hugging Face {@code tokenizer_config.json} that decide the BOS token:
 * {@code bos_token}, {@code eos_token} (a string, or an {@code AddedToken} object whose
 * {@code content} is the string; absent or null when there is none) and {@code add_bos_token}
 * (whether Hugging Face's tokenizer prepends BOS itself: true for Llama 2, absent for GPT-2).
 */
public record TokenizerConfigJson(Optional<String> bosToken, Optional<String> eosToken, Optional<Boolean> addBosToken) {

    /** A directory without a tokenizer_config.json. */
    public static final TokenizerConfigJson ABSENT = new TokenizerConfigJson(Optional.empty(), Optional.empty(), Optional.empty());

    /** Reads {@code dir/tokenizer_config.json}, or {@link #ABSENT} when the directory has none. */
    public static TokenizerConfigJson readIn(Path dir) throws IOException {
        Path file = dir.resolve("tokenizer_config.json");
        return Files.isRegularFile(file) ? read(file) : ABSENT;
    }

    /** @throws IOException naming the file when it is unreadable, not JSON, or a field has the wrong shape */
    public static TokenizerConfigJson read(Path file) throws IOException {
        try {
            JsonObject o = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
            JsonElement add = o.get("add_bos_token");
            return new TokenizerConfigJson(token(o.get("bos_token")), token(o.get("eos_token")),
                    add == null || add.isJsonNull() ? Optional.empty() : Optional.of(add.getAsBoolean()));
        } catch (RuntimeException e) {
            throw new IOException(file.toAbsolutePath() + " is not a valid tokenizer_config.json: " + e.getMessage(), e);
        }
    }

    private static Optional<String> token(JsonElement e) {
        if (e == null || e.isJsonNull()) return Optional.empty();
        if (e.isJsonObject()) return token(e.getAsJsonObject().get("content"));
        return Optional.of(e.getAsString());
    }
}

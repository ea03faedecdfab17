package org.circuitscope.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerJsonWriterTest {

    @TempDir
    Path dir;

    @Test
    void byteToUnicodeMatchesGpt2Table() {
        for (int b = 0; b < 256; b++) {
            assertEquals(String.valueOf(Gpt2Bytes.SYMBOL.get(b)), TokenizerJsonWriter.byteToUnicode(b), "symbol of byte " + b);
        }
        // Values anyone who has read a GPT-2 vocab knows.
        assertEquals("Ġ", TokenizerJsonWriter.byteToUnicode(' '));
        assertEquals("Ċ", TokenizerJsonWriter.byteToUnicode('\n'));
        assertEquals("č", TokenizerJsonWriter.byteToUnicode('\r'));
        assertEquals("Ā", TokenizerJsonWriter.byteToUnicode(0));
        assertEquals("Ń", TokenizerJsonWriter.byteToUnicode(0xAD));
        assertEquals("A", TokenizerJsonWriter.byteToUnicode('A'));
        assertThrows(IllegalArgumentException.class, () -> TokenizerJsonWriter.byteToUnicode(256));
        assertThrows(IllegalArgumentException.class, () -> TokenizerJsonWriter.byteToUnicode(-1));
    }

    @Test
    void byteSymbolsAreDistinctVisibleSingleChars() {
        Set<String> seen = new HashSet<>();
        for (int b = 0; b < 256; b++) {
            String s = TokenizerJsonWriter.byteToUnicode(b);
            assertEquals(1, s.length(), "byte " + b);
            assertFalse(Character.isWhitespace(s.charAt(0)) || Character.isISOControl(s.charAt(0)), "byte " + b + " maps to invisible " + s);
            assertTrue(seen.add(s), "byte " + b + " reuses symbol " + s);
        }
    }

    @Test
    void zeroMergesWritesPureByteLevelGpt2Layout() throws IOException {
        JsonObject root = writeAndRead(List.of());
        JsonObject vocab = root.getAsJsonObject("model").getAsJsonObject("vocab");
        assertEquals(256, vocab.size());
        for (int id = 0; id < 256; id++) {
            String sym = String.valueOf(Gpt2Bytes.SYMBOL.get(Gpt2Bytes.ORDER.get(id)));
            assertEquals(id, vocab.get(sym).getAsInt(), "id of byte symbol " + sym);
        }
        // The ids GPT-2's own vocab.json gives these bytes.
        assertEquals(0, vocab.get("!").getAsInt());
        assertEquals(198, vocab.get("Ċ").getAsInt());
        assertEquals(220, vocab.get("Ġ").getAsInt());

        JsonArray added = root.getAsJsonArray("added_tokens");
        assertEquals(1, added.size());
        JsonObject eot = added.get(0).getAsJsonObject();
        assertEquals("<|endoftext|>", eot.get("content").getAsString());
        assertEquals(256, eot.get("id").getAsInt());
        assertTrue(eot.get("special").getAsBoolean());

        JsonObject model = root.getAsJsonObject("model");
        assertEquals("BPE", model.get("type").getAsString());
        assertTrue(model.get("unk_token").isJsonNull());
        assertEquals(0, model.getAsJsonArray("merges").size());
        assertTrue(root.get("normalizer").isJsonNull());
        for (String part : List.of("pre_tokenizer", "decoder", "post_processor")) {
            JsonObject o = root.getAsJsonObject(part);
            assertEquals("ByteLevel", o.get("type").getAsString(), part);
            assertFalse(o.get("add_prefix_space").getAsBoolean(), part);
        }
        assertTrue(root.getAsJsonObject("pre_tokenizer").get("use_regex").getAsBoolean());
        assertFalse(root.getAsJsonObject("post_processor").get("trim_offsets").getAsBoolean());
    }

    @Test
    void eachMergeGetsTheNextIdInOrderAndEndOfTextIsLast() throws IOException {
        JsonObject root = writeAndRead(List.of(new String[] {"Ġ", "t"}, new String[] {"h", "e"}, new String[] {"Ġt", "he"}));
        JsonObject vocab = root.getAsJsonObject("model").getAsJsonObject("vocab");
        assertEquals(259, vocab.size());
        assertEquals(256, vocab.get("Ġt").getAsInt());
        assertEquals(257, vocab.get("he").getAsInt());
        assertEquals(258, vocab.get("Ġthe").getAsInt());
        JsonArray merges = root.getAsJsonObject("model").getAsJsonArray("merges");
        assertEquals(List.of("Ġ t", "h e", "Ġt he"), merges.asList().stream().map(e -> e.getAsString()).toList());
        assertEquals(259, root.getAsJsonArray("added_tokens").get(0).getAsJsonObject().get("id").getAsInt());
    }

    @Test
    void mergeOfUnknownSymbolIsRejectedNamingTheMerge() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> TokenizerJsonWriter.write(dir.resolve("t.json"), List.of(new String[] {"h", "e"}, new String[] {"Ġth", "e"})));
        assertTrue(e.getMessage().contains("merge 1") && e.getMessage().contains("Ġth"), e.getMessage());
        // A raw space is not a byte-level symbol; the caller forgot byteToUnicode.
        var space = assertThrows(IllegalArgumentException.class,
                () -> TokenizerJsonWriter.write(dir.resolve("t.json"), List.<String[]>of(new String[] {" ", "t"})));
        assertTrue(space.getMessage().contains("merge 0"), space.getMessage());
    }

    @Test
    void mergeThatRecreatesAnExistingTokenIsRejected() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> TokenizerJsonWriter.write(dir.resolve("t.json"), List.of(new String[] {"h", "e"}, new String[] {"h", "e"})));
        assertTrue(e.getMessage().contains("merge 1") && e.getMessage().contains("already token 256"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> TokenizerJsonWriter.write(dir.resolve("t.json"), List.<String[]>of(new String[] {"h"})));
    }

    private JsonObject writeAndRead(List<String[]> merges) throws IOException {
        Path file = dir.resolve("tokenizer.json");
        TokenizerJsonWriter.write(file, merges);
        return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
    }
}

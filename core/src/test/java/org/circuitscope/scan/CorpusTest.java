package org.circuitscope.scan;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusTest {
    @TempDir Path dir;

    @Test
    void readsTextFilesDirectoriesInNameOrderAndJsonlLines() throws IOException {
        Files.createDirectory(dir.resolve("d"));
        Files.writeString(dir.resolve("d/b.txt"), "second");
        Files.writeString(dir.resolve("d/a.txt"), "first");
        Files.writeString(dir.resolve("d/.hidden"), "skipped");
        Files.writeString(dir.resolve("c.jsonl"), "{\"text\": \"one\"}\n\n{\"id\": \"x7\", \"text\": \"two\"}\n");
        List<CorpusDocument> docs = Corpus.read(List.of(dir.resolve("d"), dir.resolve("c.jsonl")));
        assertEquals(List.of(new CorpusDocument("a.txt", "first"), new CorpusDocument("b.txt", "second"),
                new CorpusDocument("c.jsonl:1", "one"), new CorpusDocument("x7", "two")), docs);
    }

    @Test
    void aBinaryFileIsRefusedByName() throws IOException {
        Files.write(dir.resolve("model.bin"), new byte[] {1, 2, 0, 4});
        var e = assertThrows(IllegalArgumentException.class, () -> Corpus.read(List.of(dir.resolve("model.bin"))));
        assertTrue(e.getMessage().contains("model.bin") && e.getMessage().contains("binary"), e.getMessage());
        Files.write(dir.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xE9});
        e = assertThrows(IllegalArgumentException.class, () -> Corpus.read(List.of(dir.resolve("latin1.txt"))));
        assertTrue(e.getMessage().contains("latin1.txt") && e.getMessage().contains("UTF-8"), e.getMessage());
    }

    @Test
    void aMalformedJsonlLineIsNamedWithItsLineNumber() throws IOException {
        Files.writeString(dir.resolve("c.jsonl"), "{\"text\": \"ok\"}\n{\"text\": \"unterminated\n");
        var e = assertThrows(IllegalArgumentException.class, () -> Corpus.read(List.of(dir.resolve("c.jsonl"))));
        assertTrue(e.getMessage().contains("c.jsonl:2") && e.getMessage().contains("malformed"), e.getMessage());
    }

    @Test
    void aJsonlLineWithoutTextIsNamed() throws IOException {
        Files.writeString(dir.resolve("c.jsonl"), "{\"text\": \"ok\"}\n{\"body\": \"no text\"}\n");
        var e = assertThrows(IllegalArgumentException.class, () -> Corpus.read(List.of(dir.resolve("c.jsonl"))));
        assertTrue(e.getMessage().contains("c.jsonl:2") && e.getMessage().contains("\"text\""), e.getMessage());
        Files.writeString(dir.resolve("n.jsonl"), "[1, 2]\n");
        e = assertThrows(IllegalArgumentException.class, () -> Corpus.read(List.of(dir.resolve("n.jsonl"))));
        assertTrue(e.getMessage().contains("n.jsonl:1"), e.getMessage());
    }

    @Test
    void missingInputsAndDuplicateIdsAreRefused() throws IOException {
        var e = assertThrows(IllegalArgumentException.class, () -> Corpus.read(List.of(dir.resolve("nope.txt"))));
        assertTrue(e.getMessage().contains("nope.txt"), e.getMessage());
        Files.writeString(dir.resolve("a.txt"), "x");
        e = assertThrows(IllegalArgumentException.class, () -> Corpus.read(List.of(dir.resolve("a.txt"), dir.resolve("a.txt"))));
        assertTrue(e.getMessage().contains("'a.txt'"), e.getMessage());
    }
}

package org.circuitscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.circuitscope.scan.CorpusDocument;
import org.junit.jupiter.api.Test;

class DocumentBucketsTest {
    private static List<CorpusDocument> docs(int... lengths) {
        List<CorpusDocument> out = new ArrayList<>();
        for (int i = 0; i < lengths.length; i++) out.add(new CorpusDocument("d" + i, "x".repeat(lengths[i])));
        return out;
    }

    @Test
    void everyDocumentLandsInExactlyOneBucket() {
        List<CorpusDocument> docs = docs(5, 9, 1, 7, 3, 3, 8, 2);
        var buckets = DocumentBuckets.deal(docs, 3);
        assertEquals(3, buckets.size());
        List<String> ids = new ArrayList<>();
        buckets.forEach(b -> b.forEach(d -> ids.add(d.id())));
        assertEquals(docs.stream().map(CorpusDocument::id).sorted().toList(), ids.stream().sorted().toList());
    }

    @Test
    void oneLongDocumentGetsABucketToItself() {
        var buckets = DocumentBuckets.deal(docs(100, 10, 10, 10, 10, 10), 2);
        List<String> longOne = buckets.stream().filter(b -> b.stream().anyMatch(d -> d.id().equals("d0"))).findFirst().orElseThrow()
                .stream().map(CorpusDocument::id).toList();
        assertEquals(List.of("d0"), longOne, "the 100-character document shares its bucket with nothing");
    }

    @Test
    void neverMoreBucketsThanDocumentsNorFewerThanOne() {
        assertEquals(2, DocumentBuckets.deal(docs(4, 4), 16).size());
        var none = DocumentBuckets.deal(List.of(), 4);
        assertEquals(1, none.size());
        assertTrue(none.getFirst().isEmpty());
    }

    @Test
    void theSameCorpusIsDealtTheSameWay() {
        List<CorpusDocument> docs = docs(3, 3, 3, 5, 5, 1);
        assertEquals(DocumentBuckets.deal(docs, 3), DocumentBuckets.deal(new ArrayList<>(docs.reversed()), 3));
    }
}

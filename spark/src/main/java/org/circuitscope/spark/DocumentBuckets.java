package org.circuitscope.spark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.circuitscope.scan.CorpusDocument;

/**
 * Deals documents into partitions of about equal work (text length), longest first, each to the
 * lightest bucket so far: a corpus of one long book and many short ones does not leave one task
 * running long after the others. Deterministic, so a rerun partitions the same way.
 */
final class DocumentBuckets {
    private DocumentBuckets() {}

    static List<ArrayList<CorpusDocument>> deal(List<CorpusDocument> docs, int partitions) {
        int n = Math.max(1, Math.min(partitions, docs.size()));
        List<ArrayList<CorpusDocument>> buckets = new ArrayList<>(n);
        long[] load = new long[n];
        for (int i = 0; i < n; i++) buckets.add(new ArrayList<>());
        List<CorpusDocument> byLength = new ArrayList<>(docs);
        byLength.sort(Comparator.comparingInt((CorpusDocument d) -> d.text().length()).reversed().thenComparing(CorpusDocument::id));
        for (CorpusDocument d : byLength) {
            int lightest = 0;
            for (int i = 1; i < n; i++) if (load[i] < load[lightest]) lightest = i;
            buckets.get(lightest).add(d);
            load[lightest] += d.text().length();
        }
        return buckets;
    }
}

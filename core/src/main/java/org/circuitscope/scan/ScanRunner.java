package org.circuitscope.scan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.tensor.WorkerPool;

/**
 * The single-machine scan: documents grouped into shards of about {@code shardTokens} tokens
 * (whole documents, in corpus order); each finished shard's partial is written atomically to
 * {@code DIR/shards/}; a rerun skips the shards already there, then all shards are merged in
 * shard order and {@link ScanOutput} writes the result.
 *
 * <p><b>Threads.</b> A shard's windows (of all its documents) run on {@code threads} threads,
 * each window's kernels on its own thread ({@link WorkerPool#serially}): windows are
 * independent, so this scales across cores without splitting small matrix products. The
 * windows' parts are folded in window and document order, so the result is identical for any
 * thread count and equal to {@link DocumentScanner#scan} of each document merged in order.
 */
public final class ScanRunner {
    /**
     * @param threads     windows run at once (≥ 1)
     * @param shardTokens a shard closes once its documents hold this many stream tokens
     * @param maxShards   stop after computing this many new shards (a time-limited batch slot); 0 for no limit
     */
    public record Options(int threads, long shardTokens, int maxShards) {
        public Options {
            if (threads < 1) throw new IllegalArgumentException("threads must be ≥ 1, got " + threads);
            if (shardTokens < 1) throw new IllegalArgumentException("shard size must be ≥ 1 token, got " + shardTokens);
            if (maxShards < 0) throw new IllegalArgumentException("max shards must be ≥ 0, got " + maxShards);
        }
    }

    /** Told after each batch of windows: predicted tokens done this run, all to predict, and those skipped (finished shards). */
    public interface Listener {
        void progress(long done, long total, long skipped);
    }

    /**
     * @param result null unless every shard is done
     */
    public record Outcome(int shards, int shardsRun, int shardsSkipped, ScanResult result) {
        public boolean complete() { return result != null; }
    }

    private ScanRunner() {}

    public static Outcome run(LoadedModel model, ScanSpec spec, List<CorpusDocument> docs, Path dir, Options opt, Listener listener)
            throws IOException {
        DocumentScanner scanner = new DocumentScanner(model, spec);
        List<int[]> streams = new ArrayList<>(docs.size());
        for (CorpusDocument d : docs) streams.add(scanner.stream(d));
        List<List<Integer>> shards = plan(streams, opt.shardTokens());
        ScanManifest want = ScanManifest.of(model.transformer(), spec, docs, opt.shardTokens(), shards.size());
        Files.createDirectories(dir);
        ScanManifest have = ScanManifest.read(dir);
        if (have != null) want.checkSame(have, dir);
        else want.write(dir);
        Path shardDir = Files.createDirectories(dir.resolve("shards"));

        List<List<DocumentScanner.Window>> windows = new ArrayList<>();
        long total = 0, skipped = 0;
        for (int[] s : streams) {
            List<DocumentScanner.Window> w = scanner.windows(s);
            windows.add(w);
            total += predicted(w);
        }
        List<Integer> todo = new ArrayList<>();
        for (int k = 0; k < shards.size(); k++) {
            if (Files.exists(shardFile(shardDir, k))) {
                for (int i : shards.get(k)) skipped += predicted(windows.get(i));
            } else {
                todo.add(k);
            }
        }
        long all = total, before = skipped;
        listener.progress(0, all, before);
        int run = 0;
        ExecutorService pool = opt.threads() == 1 ? null : Executors.newFixedThreadPool(opt.threads(), r -> {
            Thread t = new Thread(r, "circuitscope-scan");
            t.setDaemon(true);
            return t;
        });
        try {
            long[] done = {0};
            for (int k : todo) {
                if (opt.maxShards() > 0 && run == opt.maxShards()) break;
                ScanPartial part = runShard(scanner, docs, streams, windows, shards.get(k), pool, opt.threads(), n -> {
                    done[0] += n;
                    listener.progress(done[0], all, before);
                });
                ScanOutput.writeAtomically(shardFile(shardDir, k), part.toJson());
                run++;
            }
        } finally {
            if (pool != null) pool.shutdownNow();
        }
        if (run < todo.size()) return new Outcome(shards.size(), run, shards.size() - todo.size(), null);
        ScanPartial totalPartial = ScanPartial.empty(model.config(), spec);
        for (int k = 0; k < shards.size(); k++) totalPartial.merge(ScanPartial.fromJson(Files.readString(shardFile(shardDir, k))));
        ScanOutput.write(totalPartial, spec, model.config(), dir);
        return new Outcome(shards.size(), run, shards.size() - todo.size(), ScanOutput.read(dir));
    }

    /** Consecutive documents, a shard closing once it holds {@code shardTokens} tokens (at least one document each). */
    static List<List<Integer>> plan(List<int[]> streams, long shardTokens) {
        List<List<Integer>> shards = new ArrayList<>();
        List<Integer> cur = new ArrayList<>();
        long tokens = 0;
        for (int i = 0; i < streams.size(); i++) {
            cur.add(i);
            tokens += streams.get(i).length;
            if (tokens >= shardTokens) {
                shards.add(cur);
                cur = new ArrayList<>();
                tokens = 0;
            }
        }
        if (!cur.isEmpty()) shards.add(cur);
        return shards;
    }

    private record Item(int doc, DocumentScanner.Window window) {}

    private static ScanPartial runShard(DocumentScanner scanner, List<CorpusDocument> docs, List<int[]> streams,
                                        List<List<DocumentScanner.Window>> windows, List<Integer> shard, ExecutorService pool, int threads,
                                        java.util.function.LongConsumer progressed) {
        ScanPartial out = null;
        List<Item> items = new ArrayList<>();
        for (int d : shard) for (DocumentScanner.Window w : windows.get(d)) items.add(new Item(d, w));
        int next = 0; // the next document to open, an index into shard
        DocumentScanner.Accumulator acc = null;
        int accDoc = -1, accLeft = 0;
        // A few windows per thread in flight bound the parts held at once (a part holds every unit's
        // candidates); the next window is submitted as each is folded, so the threads never wait
        // for the fold, which runs here in window order.
        Windows parts = new Windows(scanner, streams, items, pool, threads * 4);
        for (int i = 0; i < items.size(); i++) {
            DocumentScanner.WindowPart part = parts.next();
            Item it = items.get(i);
            // Open documents in order until this window's (those without windows finish at once).
            while (accDoc != it.doc()) {
                int d = shard.get(next++);
                accDoc = d;
                acc = scanner.new Accumulator(docs.get(d).id(), streams.get(d));
                accLeft = windows.get(d).size();
                if (accLeft == 0) {
                    out = merge(out, acc.finish());
                    accDoc = -1;
                }
            }
            acc.add(part);
            if (--accLeft == 0) {
                out = merge(out, acc.finish());
                accDoc = -1;
            }
            progressed.accept(part.nats.length);
        }
        while (next < shard.size()) { // trailing documents without windows
            int d = shard.get(next++);
            out = merge(out, scanner.new Accumulator(docs.get(d).id(), streams.get(d)).finish());
        }
        return out;
    }

    private static ScanPartial merge(ScanPartial into, ScanPartial p) { return into == null ? p : into.merge(p); }

    /** The shard's window parts in order, computed ahead on the pool (at most {@code ahead} at once), or here without one. */
    private static final class Windows {
        private final DocumentScanner scanner;
        private final List<int[]> streams;
        private final List<Item> items;
        private final ExecutorService pool;
        private final int ahead;
        private final java.util.ArrayDeque<Future<DocumentScanner.WindowPart>> queued = new java.util.ArrayDeque<>();
        private int submitted, taken;

        Windows(DocumentScanner scanner, List<int[]> streams, List<Item> items, ExecutorService pool, int ahead) {
            this.scanner = scanner;
            this.streams = streams;
            this.items = items;
            this.pool = pool;
            this.ahead = ahead;
        }

        DocumentScanner.WindowPart next() {
            Item now = items.get(taken++);
            if (pool == null) return scan(now);
            while (submitted < items.size() && submitted < taken - 1 + ahead) {
                Item it = items.get(submitted++);
                queued.add(pool.submit(() -> scan(it)));
            }
            try {
                return queued.poll().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("scan interrupted", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) throw r;
                throw new IllegalStateException(e.getCause());
            }
        }

        private DocumentScanner.WindowPart scan(Item it) {
            return WorkerPool.serially(() -> scanner.scanWindow(streams.get(it.doc()), it.window()));
        }
    }

    private static long predicted(List<DocumentScanner.Window> ws) {
        long n = 0;
        for (DocumentScanner.Window w : ws) n += w.last() - w.first() + 1;
        return n;
    }

    static Path shardFile(Path shardDir, int k) { return shardDir.resolve(String.format("shard-%05d.json", k)); }
}

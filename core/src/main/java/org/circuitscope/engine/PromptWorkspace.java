package org.circuitscope.engine;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.circuitscope.tensor.WorkerPool;

/**
 * The open documents and their analyses. Every document version gets one analysis job on the
 * analysis pool, started once the older version's job has ended; a newer version cancels the
 * older job at its next check, unless that job has done every block (then it finishes its
 * unembedding, and the newer job continues its rows). Every request runs
 * through {@link #request} on the request pool: it waits for its document's current analysis,
 * honours {@code $/cancelRequest}, and is answered with {@code ContentModified} instead of a
 * result when the document changed while it ran. A request that reads only the positions an
 * edit left as they were ({@link #requestEarly}: a hover on a token up to the first changed
 * one) is answered from the early run without waiting for the pass.
 */
public final class PromptWorkspace implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PromptWorkspace.class.getName());

    /** Where analyses report to the client. */
    public interface Listener {
        void analysed(Analysis a);

        AutoCloseable progress(String title);

        /** Long work that reports its share done; by default {@link #progress} without the shares. */
        default TrackedWork track(String title) { return TrackedWork.of(progress(title)); }
    }

    /**
     * One version's analysis job: {@code early} completes first, with the early run (see
     * {@link Analyzer}) or, when there is none, with the card run; {@code cards} with the card run
     * (every block done, logits rows made on demand); each, when there is none, with the full
     * analysis.
     */
    private record Job(CompletableFuture<Analysis> early, CompletableFuture<Analysis> cards, CompletableFuture<Analysis> full) {}

    private static final class DocState {
        volatile PromptDocument doc;
        volatile Job job;
        volatile PromptRun lastRun;
    }

    private final Map<String, DocState> docs = new ConcurrentHashMap<>();
    /** Requests running their work now, or waiting for an early run (never those waiting for a whole analysis). */
    private final AtomicInteger answering = new AtomicInteger();
    /** When the last counted request finished its work ({@link System#nanoTime()}). */
    private volatile long lastAnswerNanos = System.nanoTime() - ANSWER_WRITE_NANOS;
    private final ExecutorService analysisPool = WorkerThreads.pool("circuitscope-analysis", 2);
    private final ExecutorService requestPool = WorkerThreads.pool("circuitscope-request", 4);
    private final ModelCache models = new ModelCache();
    private final SaeCache saeCache = new SaeCache();
    private final CorpusFeaturesCache corpusCache = new CorpusFeaturesCache();
    private final DocumentScans scans = new DocumentScans();
    private final Listener listener;
    private volatile Settings settings = Settings.defaults();
    /** Bumped when the settings change what a run depends on: a job begun before does not leave its run for the next. */
    private final AtomicInteger runGeneration = new AtomicInteger();
    private volatile List<Path> roots = List.of();
    private volatile PositionEncoding encoding = PositionEncoding.UTF16;

    public PromptWorkspace(Listener listener) { this.listener = listener; }

    public Settings settings() { return settings; }

    public PositionEncoding encoding() { return encoding; }

    public void setEncoding(PositionEncoding e) { encoding = e; }

    public void setRoots(List<Path> r) { roots = List.copyOf(r); }

    /** Replaces the settings; documents are re-analysed when what their analysis depends on changed. */
    public void setSettings(Settings s) {
        Settings old = settings;
        settings = s;
        boolean reanalyse = !java.util.Objects.equals(old.defaultModel(), s.defaultModel()) || old.memoryBudgetMb() != s.memoryBudgetMb()
                || !java.util.Objects.equals(old.backend(), s.backend()) || !old.saes().equals(s.saes());
        if (reanalyse) {
            runGeneration.incrementAndGet();
            docs.values().forEach(d -> {
                synchronized (d) {
                    d.lastRun = null;
                    schedule(d);
                }
            });
        }
    }

    /** Shows long work (a model's composition scores, say) to the client while it runs. */
    public TrackedWork track(String title) { return listener.track(title); }

    /**
     * Loads the default model and runs one short prompt and an edit at its end through it on the
     * analysis pool, handing each run to {@code reader} (the server hovers on the new token), so
     * the first real request finds the weights loaded and its code compiled. Failures are left
     * for the first document's analysis to report.
     */
    public void warmUp(BiConsumer<PromptRun, Integer> reader) {
        Settings st = settings;
        // The first document's pass should find the SIMD kernels compiled: their race runs while the model loads.
        org.circuitscope.tensor.Kernels.warmUpNow();
        analysisPool.execute(() -> {
            try {
                ModelHandle m = models.get(ModelCache.resolve(null, null, roots, st.defaultModel()), st.backend(), listener::progress);
                // Once the editor has opened a document, its own analysis warms the same code: a
                // warm-up pass beside it would only halve its cores (a GPT-2-sized first hover).
                Cancel yieldToDocuments = () -> {
                    if (!docs.isEmpty()) throw new CancellationException("a document is open");
                };
                // A document, an edit at its end and a read of the new token: the path of a real first hover.
                String text = "The quick brown fox jumps over the lazy dog. ".repeat(4);
                boolean bos = m.config().defaultPrependBos();
                PromptDocument d1 = new PromptDocument("warm-up:1", "prompt", 1, text);
                yieldToDocuments.check();
                PromptRun first = Analyzer.analyze(d1, FrontMatter.parse(text), m, bos, st.memoryBudgetBytes(), null, yieldToDocuments);
                PromptDocument d2 = new PromptDocument("warm-up:1", "prompt", 2, text + "The");
                int last = d2.text().length() - 1;
                PromptRun second = Analyzer.analyze(d2, FrontMatter.parse(d2.text()), m, bos, st.memoryBudgetBytes(), first, yieldToDocuments,
                        // An early run answers only hovers before its ready position (the server asks
                        // it the same): the last token it covers, not the new one.
                        early -> reader.accept(early, early.starts()[early.ready() - 1]), cards -> reader.accept(cards, last));
                reader.accept(second, last);
                LOG.fine(() -> "warmed up " + m.name());
            } catch (CancellationException e) {
                LOG.fine("warm-up stopped: a document is open, its analysis warms up instead");
            } catch (Exception | LinkageError e) {
                LOG.log(Level.FINE, "warm-up of the default model failed (the first analysis will say why)", e);
            }
        });
    }

    public void open(PromptDocument doc) {
        DocState s = new DocState();
        s.doc = doc;
        // Scheduled before it is published: a request that finds the document always finds its job.
        schedule(s);
        DocState old = docs.put(doc.uri(), s);
        if (old != null) old.doc = new PromptDocument(doc.uri(), doc.languageId(), Integer.MIN_VALUE, "");
    }

    public void change(String uri, int version, List<TextChange> changes) {
        DocState s = docs.get(uri);
        if (s == null) return;
        synchronized (s) {
            s.doc = s.doc.apply(version, changes, encoding);
            schedule(s);
        }
    }

    public void close(String uri) {
        DocState s = docs.remove(uri);
        if (s == null) return;
        boolean large = s.doc.text().length() > LARGE_CHARS;
        s.doc = new PromptDocument(uri, s.doc.languageId(), Integer.MIN_VALUE, "");
        s.lastRun = null;
        // Hundreds of MB of text and its copies (frame, JSON, string) are garbage now: collect them while the
        // user is not typing, so the heap shrinks and the memory goes back to the system (periodic
        // collections alone may wait for minutes to do it).
        if (large) analysisPool.execute(System::gc);
    }

    /** A closed document this large (about 32 MB of UTF-16) is worth a full collection. */
    private static final int LARGE_CHARS = 16 << 20;

    /** The uris of the open documents (the loopback viewer's index lists them). */
    public List<String> uris() { return List.copyOf(docs.keySet()); }

    public PromptDocument document(String uri) {
        DocState s = docs.get(uri);
        return s == null ? null : s.doc;
    }

    private void schedule(DocState s) {
        PromptDocument doc = s.doc;
        Cancel stale = () -> {
            if (s.doc != doc) throw new CancellationException("document changed");
        };
        CompletableFuture<Analysis> early = new CompletableFuture<>(), cards = new CompletableFuture<>();
        // A superseded pass that has done every block (its card run is out) has only its unembedding
        // left: it finishes that, without pausing for requests, so the next version continues its rows.
        // Stopped there, it would take them with it, and the next version would compute the whole
        // prompt again (an edit right after a long prompt's first hover waited seconds for it). It
        // stops all the same where the newer version keeps less than half of its text (an edit at the
        // start: the rows are of no use) and for a closed document.
        AtomicReference<PromptDocument> worthFinishingFor = new AtomicReference<>();
        Cancel stopUnlessPastBlocks = () -> {
            PromptDocument now = s.doc;
            if (now == doc || worthFinishingFor.get() == now) return;
            if (cards.isDone() && now.version() != Integer.MIN_VALUE && keepsHalf(doc.text(), now.text())) worthFinishingFor.set(now);
            else throw new CancellationException("document changed");
        };
        int generation = runGeneration.get();
        // One job of a document at a time: this one starts once the previous version's has ended, and
        // so finds its run (the document's cache) in lastRun.
        Job prior = s.job;
        CompletableFuture<?> after = prior == null ? CompletableFuture.completedFuture(null) : prior.full().handle((a, e) -> null);
        CompletableFuture<Analysis> full = after.thenApplyAsync(ignored -> {
            // Only the pass after the early run gives way: before it, a counted request may be waiting for this very job.
            Analysis a = analyse(s, doc, () -> {
                if (early.isDone() && s.doc == doc) giveWayToRequests(() -> s.doc != doc);
                stopUnlessPastBlocks.check();
            }, early::complete, c -> {
                early.complete(c);
                cards.complete(c);
            });
            // Kept even when superseded: the cache holds this version's rows, which the next version
            // shares up to its first change. Not when the settings changed meanwhile (the next job
            // starts afresh: another model, budget or backend).
            if (a.run() != null && runGeneration.get() == generation && s.doc.version() != Integer.MIN_VALUE) s.lastRun = a.run();
            stale.check();
            try {
                listener.analysed(a);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "publishing the analysis of " + doc.uri() + " failed", e);
            }
            return a;
        }, analysisPool);
        full.whenComplete((a, e) -> {
            if (e != null) { early.completeExceptionally(e); cards.completeExceptionally(e); }
            else { early.complete(a); cards.complete(a); }
        });
        s.job = new Job(early, cards, full);
    }

    private Analysis analyse(DocState s, PromptDocument doc, Cancel cancel, Consumer<Analysis> early, Consumer<Analysis> cards) {
        if (DocumentSize.tooLarge(doc.text())) {
            s.lastRun = null; // nor is an older version's cache kept for it
            return new Analysis(doc, FrontMatter.parse(""), null, null, true);
        }
        FrontMatter fm = FrontMatter.parse(doc.text());
        Settings st = settings;
        try {
            Path dir = ModelCache.resolve(fm.model(), documentDir(doc.uri()), roots, st.defaultModel());
            ModelHandle m;
            ModelCache.ModelProblem backendProblem = null;
            try {
                m = models.get(dir, fm.backend() != null ? fm.backend() : st.backend(), listener::progress);
            } catch (ModelCache.ModelProblem p) {
                if (p.kind() != ModelCache.ModelProblem.Kind.BACKEND) throw p;
                // The backend asked for cannot start: the prompt still runs, on simd, and the analysis says why.
                backendProblem = p;
                m = models.get(dir, listener::progress);
            }
            cancel.check();
            DocumentSaes saes = saes(doc, fm, m, st);
            boolean bos = fm.prependBos() != null ? fm.prependBos() : m.config().defaultPrependBos();
            Consumer<PromptRun> onEarly = r -> early.accept(new Analysis(doc, fm, r, null, false, saes));
            Consumer<PromptRun> onCards = r -> cards.accept(new Analysis(doc, fm, r, null, false, saes));
            PromptRun run;
            if (doc.text().length() - fm.bodyStart() > 20_000) {
                try (AutoCloseable p = listener.progress("Analysing " + fileName(doc.uri()))) {
                    run = Analyzer.analyze(doc, fm, m, bos, st.memoryBudgetBytes(), s.lastRun, cancel, onEarly, onCards);
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            } else {
                run = Analyzer.analyze(doc, fm, m, bos, st.memoryBudgetBytes(), s.lastRun, cancel, onEarly, onCards);
            }
            return new Analysis(doc, fm, run, backendProblem, false, saes);
        } catch (ModelCache.ModelProblem p) {
            return new Analysis(doc, fm, null, p);
        }
    }

    /** The SAEs the document names (front matter, else the setting) that fit its model; cached per model and folders. */
    private DocumentSaes saes(PromptDocument doc, FrontMatter fm, ModelHandle m, Settings st) {
        DocumentSaes d = saeCache.get(m, fm.saes(), documentDir(doc.uri()), roots, st.saes());
        return d.isEmpty() ? d : d.withCorpus(corpusCache.of(() -> scans.find(doc.text(), documentDir(doc.uri()), roots, st, m.config())));
    }

    /**
     * Runs {@code work} on the request pool against the analysis of the document's version at
     * the time of this call (the request's arrival); when the document changes before the work is
     * done, the answer is {@link ContentModifiedException}. {@code whenNotOpen} is the answer for a
     * document that is not open.
     */
    public <T> CompletableFuture<T> request(String uri, T whenNotOpen, BiFunction<Analysis, Cancel, T> work) {
        return requestEarly(uri, whenNotOpen, null, work);
    }

    /**
     * As {@link #request}, but answered from the early run of an edit when {@code earlyEnough}
     * says it holds everything the work reads (positions before {@link PromptRun#ready()}).
     * While such a request waits for the early run and while it works, the edit's pass gives
     * way to it at its checkpoints.
     */
    public <T> CompletableFuture<T> requestEarly(String uri, T whenNotOpen, Predicate<Analysis> earlyEnough,
                                                 BiFunction<Analysis, Cancel, T> work) {
        // The version current now, when the request arrives (edits before it have been applied, later ones
        // not): it is answered for this version or not at all, never for one that came after it.
        DocState s = uri == null ? null : docs.get(uri);
        PromptDocument doc;
        Job job;
        if (s == null) {
            doc = null;
            job = null;
        } else {
            synchronized (s) {
                doc = s.doc;
                job = s.job;
            }
        }
        return async(requestPool, cancel -> {
            if (s == null) return whenNotOpen;
            try {
                return answer(s, uri, doc, job, earlyEnough, work, cancel);
            } catch (ContentModifiedException modified) {
                if (earlyEnough == null) throw modified;
                Late<T> late = answerOverCache(s, doc, earlyEnough, work, cancel);
                if (late == null) throw modified;
                return late.value();
            }
        });
    }

    /** At most this many positions are computed for a superseded version's request: what typing adds between two hovers. */
    private static final int TYPING_ROWS = 64;

    /** An answer found late (over the cache as newer versions left it); {@code value} may be null (no hover there). */
    private record Late<T>(T value) {}

    private <T> T answer(DocState s, String uri, PromptDocument doc, Job job, Predicate<Analysis> earlyEnough,
                         BiFunction<Analysis, Cancel, T> work, Cancel cancel) {
        Cancel both = () -> {
            cancel.check();
            if (s.doc != doc) throw contentModified(uri);
        };
        // Counted while it cannot be waiting for the pass (the pass gives way to what is counted).
        boolean counted = earlyEnough != null;
        if (counted) answering.incrementAndGet();
        try {
            Analysis a;
            if (earlyEnough == null) {
                a = await(job.full(), cancel);
            } else {
                a = await(job.early(), cancel);
                both.check();
                if (a != null && a.run() != null && !a.run().complete() && !earlyEnough.test(a)) {
                    answering.decrementAndGet();
                    counted = false;
                    // Then the card run (the blocks done, its own logits row made alone), then the whole analysis.
                    a = await(job.cards(), cancel);
                    both.check();
                    if (a != null && a.run() != null && !a.run().complete() && !earlyEnough.test(a)) a = await(job.full(), cancel);
                }
            }
            both.check();
            if (a == null || a.doc() != doc) throw contentModified(uri);
            if (!counted) answering.incrementAndGet();
            counted = true;
            Analysis ready = a;
            // Work answered beside a running pass is small (a hover): its kernels stay on this thread, as
            // handing them to the kernel pool would make it wait for cores the pass holds.
            T result = earlyEnough != null ? WorkerPool.serially(() -> work.apply(ready, both)) : work.apply(a, both);
            both.check();
            return result;
        } finally {
            if (counted) {
                lastAnswerNanos = System.nanoTime();
                answering.decrementAndGet();
            }
        }
    }

    /**
     * A request whose version was superseded before it could be answered (its analysis cancelled,
     * or the document changed while it worked) is answered for its version over the document's
     * cache: from the rows the cache shares with that version, with the few it lacks computed,
     * as the cache's writer so that no pass rewrites those rows meanwhile. Null when it cannot be
     * (another model, or more than {@link #TYPING_ROWS} positions to compute).
     */
    private <T> Late<T> answerOverCache(DocState s, PromptDocument doc, Predicate<Analysis> earlyEnough,
                                        BiFunction<Analysis, Cancel, T> work, Cancel cancel) {
        PromptRun last = s.lastRun;
        if (last == null || last.acts() == null || doc.version() == Integer.MIN_VALUE || DocumentSize.tooLarge(doc.text())) return null;
        FrontMatter fm = FrontMatter.parse(doc.text());
        if (!java.util.Objects.equals(fm.model(), last.frontMatter().model())) return null;
        boolean bos = fm.prependBos() != null ? fm.prependBos() : last.model().config().defaultPrependBos();
        answering.incrementAndGet();
        try {
            return last.acts().kv().exclusively(() -> {
                cancel.check();
                PromptRun run = Analyzer.overCache(doc, fm, last.model(), bos, last, settings.memoryBudgetBytes(), TYPING_ROWS, cancel);
                if (run == null) return null;
                Analysis a = new Analysis(doc, fm, run, null, false, saes(doc, fm, last.model(), settings));
                if (!earlyEnough.test(a)) return null;
                return new Late<>(WorkerPool.serially(() -> work.apply(a, cancel)));
            });
        } finally {
            lastAnswerNanos = System.nanoTime();
            answering.decrementAndGet();
        }
    }

    /**
     * Pauses a background pass while requests are being answered (or wait for an early run,
     * which is out before the pass's first checkpoint), up to a limit: a hover answered from
     * the early run while the edit's pass runs would otherwise share the two cores (and the
     * memory bus) with it. Requests that wait for this pass are not counted, so it never waits
     * on them.
     */
    /**
     * Whether {@code newer} begins with at least half of {@code older}'s text: then the rows of a pass
     * over {@code older} are worth finishing, since the newer version's pass starts from them.
     */
    static boolean keepsHalf(String older, String newer) {
        int n = Math.min(older.length(), newer.length()), same = 0;
        while (same < n && older.charAt(same) == newer.charAt(same)) same++;
        return 2L * same >= older.length();
    }

    private void giveWayToRequests(BooleanSupplier superseded) {
        long deadline = System.nanoTime() + GIVE_WAY_NANOS;
        // A pass for an old version stops pausing at once: the new version's job waits for it to end.
        while ((answering.get() > 0 || System.nanoTime() - lastAnswerNanos < ANSWER_WRITE_NANOS) && System.nanoTime() < deadline
                && !superseded.getAsBoolean()) {
            LockSupport.parkNanos(100_000);
        }
    }

    /**
     * How long a pass still waits after a request's work: its answer is serialised and written
     * after the work returns, and the client reads it meanwhile.
     */
    private static final long ANSWER_WRITE_NANOS = 2_000_000L;

    /** The longest a pass pauses at one checkpoint for requests (a long request must not stall the analysis). */
    private static final long GIVE_WAY_NANOS = 200_000_000L;

    /** Runs work that needs no document on the request pool, cancellable. */
    public <T> CompletableFuture<T> background(Function<Cancel, T> work) {
        return async(requestPool, work);
    }

    /**
     * Runs {@code work} on {@code pool}; cancelling the returned future (as the server does on
     * {@code $/cancelRequest}) makes the work's next {@link Cancel#check()} throw.
     */
    static <T> CompletableFuture<T> async(ExecutorService pool, Function<Cancel, T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Cancel cancel = () -> {
            if (result.isCancelled()) throw new CancellationException("cancelled by the client");
        };
        try {
            pool.execute(() -> {
                if (result.isDone()) return;
                try {
                    result.complete(work.apply(cancel));
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    private static Analysis await(CompletableFuture<Analysis> f, Cancel cancel) {
        while (true) {
            cancel.check();
            try {
                return f.get(50, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // poll cancellation again
            } catch (CancellationException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof CancellationException) return null;
                LOG.log(Level.WARNING, "analysis failed", e.getCause());
                throw new AnalysisFailedException("this document", e.getCause());
            }
        }
    }

    static ContentModifiedException contentModified(String uri) {
        return new ContentModifiedException(uri);
    }

    /** Waits for the current analysis of every open document (tests and benchmarks). */
    public void awaitAnalyses(long timeoutMs) throws Exception {
        for (DocState s : docs.values()) {
            try {
                s.job.full().get(timeoutMs, TimeUnit.MILLISECONDS);
            } catch (CancellationException | ExecutionException e) {
                // a superseded job; the newer one is awaited through s.job on the next loop
            }
        }
    }

    static Path documentDir(String uri) {
        try {
            URI u = URI.create(uri);
            if (!"file".equals(u.getScheme())) return null;
            Path p = Path.of(u).getParent();
            return p;
        } catch (RuntimeException e) {
            return null;
        }
    }

    static String fileName(String uri) {
        int i = uri.lastIndexOf('/');
        return i < 0 ? uri : uri.substring(i + 1);
    }

    /**
     * The corpus scan {@code doc} names (front matter, else the {@code scanDir} setting), checked
     * against {@code model}; null when none is named. An unusable one throws {@link DocumentScans.ScanProblem}.
     */
    public DocumentScans.Found scan(PromptDocument doc, org.circuitscope.model.ModelConfig model) {
        return scans.find(doc.text(), documentDir(doc.uri()), roots, settings, model);
    }

    /** Calls {@code c} for the current analysis of each open document once it is done. */
    public void forEachAnalysis(Consumer<Analysis> c) {
        for (DocState s : docs.values()) s.job.full().thenAccept(c);
    }

    @Override
    public void close() {
        analysisPool.shutdownNow();
        requestPool.shutdownNow();
        models.close();
    }
}

package org.circuitscope.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.scan.Corpus;
import org.circuitscope.scan.CorpusDocument;
import org.circuitscope.scan.DocumentScanner;
import org.circuitscope.scan.ScanOutput;
import org.circuitscope.scan.ScanPartial;
import org.circuitscope.scan.ScanSpec;

/**
 * {@code circuitscope scan} as a Spark job: the driver reads the corpus and deals the documents
 * into partitions ({@link DocumentBuckets}); each task scans its documents into one
 * {@link ScanPartial} ({@link ScanPartition}); Spark's tree reduction merges the partials
 * (merging is associative and commutative, so the tree's shape does not matter); the driver
 * writes the same output directory as the single-machine scan ({@link ScanOutput}), and with
 * {@code --parquet} the per-document rows as Parquet ({@link DocumentsParquet}).
 *
 * <p>Run with {@code spark-submit --class org.circuitscope.spark.ScanJob circuitscope-spark.jar
 * --model DIR --out DIR INPUT...} (README, "Corpus scans on Apache Spark").
 */
public final class ScanJob {
    private ScanJob() {}

    /** What a run did, for the driver's last log line and the benchmark. */
    public record Report(int documents, long tokens, int partitions, double seconds) {
        public double tokensPerSecond() { return tokens / seconds; }

        public String line() {
            return String.format("scanned %d documents, %d tokens in %d partitions: %.1f s, %.0f tokens/s",
                    documents, tokens, partitions, seconds, tokensPerSecond());
        }
    }

    public static void main(String[] args) throws IOException {
        ScanJobArgs parsed;
        try {
            parsed = ScanJobArgs.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("ScanJob: " + e.getMessage());
            System.exit(2);
            return;
        }
        SparkSession spark = SparkSession.builder().appName("circuitscope scan").getOrCreate();
        try {
            System.err.println("ScanJob: " + run(spark, parsed).line());
        } finally {
            spark.stop();
        }
    }

    /**
     * One task per slot that loads the model and starts a scanner (which waits for the compiled
     * SIMD kernels) in each executor JVM before the timed job: the job's tokens/s then measures
     * the scan, as a long job amortises that start. Where Spark puts two warm-up tasks in one
     * JVM, the second finds the model loaded.
     */
    private static void warmUp(JavaSparkContext jsc, String model, String specJson) {
        int slots = jsc.defaultParallelism();
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < slots; i++) ids.add(i);
        jsc.parallelize(ids, slots).foreachPartition(it -> new DocumentScanner(ExecutorModels.get(model), ScanSpec.fromJson(specJson)));
    }

    /** Runs the scan on {@code spark} and writes {@code args.out()}. */
    public static Report run(SparkSession spark, ScanJobArgs args) throws IOException {
        LoadedModel model = ExecutorModels.get(args.model());
        ModelConfig cfg = model.config();
        ScanSpec spec = args.spec(cfg);
        List<CorpusDocument> docs = Corpus.read(args.inputs());
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int partitions = args.partitions() > 0 ? args.partitions() : 4 * jsc.defaultParallelism();
        List<ArrayList<CorpusDocument>> buckets = DocumentBuckets.deal(docs, partitions);
        warmUp(jsc, args.model(), spec.toJson());
        long start = System.nanoTime();
        ScanPartial total = jsc.parallelize(new ArrayList<List<CorpusDocument>>(buckets), buckets.size())
                .mapPartitions(new ScanPartition(args.model(), spec))
                .treeReduce(ScanPartial::merge);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (args.parquet()) DocumentsParquet.write(spark, total.documents(), args.out());
        ScanOutput.write(total, spec, cfg, args.out());
        long tokens = 0;
        for (var row : total.documents()) tokens += row.tokens();
        return new Report(docs.size(), tokens, buckets.size(), seconds);
    }
}

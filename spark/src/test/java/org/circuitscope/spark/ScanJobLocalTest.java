package org.circuitscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.circuitscope.scan.DocumentRow;
import org.circuitscope.scan.ScanOutput;
import org.circuitscope.scan.ScanResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark job in {@code local[2]} (two task threads in this JVM) against the single-machine scan. */
class ScanJobLocalTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("ScanJobLocalTest")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (spark != null) spark.stop();
    }

    @Test
    void overlappingWindowsInFivePartitionsEqualTheSingleMachineScan(@TempDir Path dir) throws Exception {
        Path corpus = ScanComparison.hebrewsJsonl(dir);
        Path out = dir.resolve("out");
        ScanJobArgs args = ScanJobArgs.parse("--model", ScanComparison.GELU_2L.toString(), "--out", out.toString(),
                "--context", "96", "--stride", "48", "--top-k", "8", "--partitions", "5", "--parquet", corpus.toString());

        ScanJob.Report report = ScanJob.run(spark, args);

        ScanResult expected = ScanComparison.singleMachine(ScanComparison.GELU_2L, args);
        ScanResult actual = ScanOutput.read(out);
        assertEquals(10, report.documents(), "documents in the corpus");
        assertEquals(5, report.partitions(), "partitions");
        assertEquals(expected.summary().tokens(), report.tokens(), "tokens the report counts");
        assertTrue(expected.summary().windows() > expected.summary().documents(), "documents span several windows: " + expected.summary().windows());
        ScanComparison.assertSameScan(expected, actual);

        // documents.parquet holds the same rows as documents.jsonl.
        List<Row> rows = spark.read().parquet(out.resolve(DocumentsParquet.NAME).toString()).orderBy("id").collectAsList();
        assertEquals(actual.documents().size(), rows.size(), "parquet rows");
        for (int i = 0; i < rows.size(); i++) {
            DocumentRow d = actual.documents().get(i);
            assertEquals(d.id(), rows.get(i).getAs("id"));
            assertEquals(d.tokens(), (int) rows.get(i).getAs("tokens"), d.id() + " tokens");
            assertEquals(d.meanLoss(), (double) rows.get(i).getAs("mean_loss"), 0.0, d.id() + " mean loss");
            assertEquals(d.surprisalBits().max(), (double) rows.get(i).getAs("surprisal_bits_max"), 0.0, d.id() + " max surprisal");
        }
    }
}

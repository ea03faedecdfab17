package org.circuitscope.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.circuitscope.scan.DocumentRow;

/**
 * {@code documents.parquet}: the rows of {@code documents.jsonl} as a Parquet table, for corpora
 * whose per-document rows are easier to query in Spark SQL, DuckDB or pandas than as JSONL.
 * Columns as the JSONL fields, snake_case, the surprisal summary flattened.
 */
final class DocumentsParquet {
    static final String NAME = "documents.parquet";
    static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.StringType, false)
            .add("tokens", DataTypes.IntegerType, false)
            .add("predicted", DataTypes.IntegerType, false)
            .add("mean_loss", DataTypes.DoubleType, false)
            .add("surprisal_bits_mean", DataTypes.DoubleType, false)
            .add("surprisal_bits_p50", DataTypes.DoubleType, false)
            .add("surprisal_bits_p90", DataTypes.DoubleType, false)
            .add("surprisal_bits_max", DataTypes.DoubleType, false);

    private DocumentsParquet() {}

    static void write(SparkSession spark, List<DocumentRow> docs, Path outDir) {
        List<Row> rows = new ArrayList<>(docs.size());
        for (DocumentRow d : docs) {
            var s = d.surprisalBits();
            rows.add(RowFactory.create(d.id(), d.tokens(), d.predicted(), d.meanLoss(), s.mean(), s.p50(), s.p90(), s.max()));
        }
        // One file: the rows are already on the driver, and a directory of one part file is what readers expect.
        spark.createDataFrame(rows, SCHEMA).coalesce(1).write().mode(SaveMode.Overwrite)
                .parquet(outDir.resolve(NAME).toAbsolutePath().toUri().toString());
    }
}

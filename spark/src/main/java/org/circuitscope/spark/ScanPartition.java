package org.circuitscope.spark;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.scan.CorpusDocument;
import org.circuitscope.scan.DocumentScanner;
import org.circuitscope.scan.ScanPartial;
import org.circuitscope.scan.ScanSpec;
import org.circuitscope.tensor.WorkerPool;

/**
 * One Spark task: scans its partition's documents and merges them into one partial. The model
 * comes from {@link ExecutorModels} (loaded once per executor JVM); the kernels run on the
 * task's own thread ({@link WorkerPool#serially}), as Spark gives each task one core and runs
 * as many tasks as the executor has cores.
 */
final class ScanPartition implements FlatMapFunction<Iterator<List<CorpusDocument>>, ScanPartial> {
    private final String model;
    private final String specJson;

    ScanPartition(String model, ScanSpec spec) {
        this.model = model;
        this.specJson = spec.toJson();
    }

    @Override
    public Iterator<ScanPartial> call(Iterator<List<CorpusDocument>> buckets) {
        LoadedModel m = ExecutorModels.get(model);
        ScanSpec spec = ScanSpec.fromJson(specJson);
        DocumentScanner scanner = new DocumentScanner(m, spec);
        ScanPartial total = ScanPartial.empty(m.config(), spec);
        while (buckets.hasNext()) {
            for (CorpusDocument doc : buckets.next()) total.merge(WorkerPool.serially(() -> scanner.scan(doc)));
        }
        return List.of(total).iterator();
    }
}

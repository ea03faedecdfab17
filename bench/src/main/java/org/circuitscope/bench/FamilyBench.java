package org.circuitscope.bench;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.circuitscope.io.LoadOptions;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.io.ModelDirectory;
import org.circuitscope.io.WeightsDtype;
import org.circuitscope.model.IncrementalForward;
import org.circuitscope.model.KeyValueCache;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Transformer;
import org.circuitscope.tensor.Tensor;

/**
 * One model directory as a user opens it (any family, any dtype on disk): how long loading
 * takes, how much memory the loaded model holds, and the median forward pass (logits only) at
 * each prompt length. Also writes the token ids and the last logits row of the first length,
 * so that bench/family_torch.py can check that its PyTorch twin computes the same numbers
 * from the same file. Run by bench/family-compare.sh; prints JSON.
 *
 * <p>With a WEIGHTS_DTYPE ({@code keep}, the default, or {@code f32}: how a 16-bit checkpoint is
 * held, see {@code --weights-dtype}) it also times a one-token append (an edit at the end: one
 * new row over a cached prompt of the first length, the memory-bound pass) and reports the
 * resident memory after loading and one pass of the first length, after a full GC.
 *
 * <p>Usage: {@code FamilyBench MODEL_DIR TOKENS(csv) WARMUP RUNS OUT_DIR [WEIGHTS_DTYPE]}.
 */
public final class FamilyBench {
    private FamilyBench() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 5 && args.length != 6) {
            System.err.println("usage: FamilyBench MODEL_DIR TOKENS(csv) WARMUP RUNS OUT_DIR [keep|f32]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]), out = Path.of(args[4]);
        int[] lengths = Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray();
        int warmup = Integer.parseInt(args[2]), runs = Integer.parseInt(args[3]);
        WeightsDtype dtype = args.length == 6 ? WeightsDtype.parse(args[5]) : WeightsDtype.KEEP;

        long t0 = System.nanoTime();
        LoadedModel m = ModelDirectory.load(dir, LoadOptions.none().withWeightsDtype(dtype));
        double loadMs = (System.nanoTime() - t0) / 1e6;
        Transformer model = m.transformer();
        ModelConfig cfg = model.config();
        System.gc();
        Runtime rt = Runtime.getRuntime();
        long heapUsed = rt.totalMemory() - rt.freeMemory();

        int maxLen = Arrays.stream(lengths).max().orElseThrow();
        int[] ids = new SplittableRandom(7).ints(maxLen, 0, cfg.dVocab()).toArray();
        JsonObject result = new JsonObject();
        result.addProperty("model", dir.toString());
        result.addProperty("weights_dtype", dtype.optionName());
        result.addProperty("kept_16_bit", !model.weights().allFloat32());
        result.addProperty("load_ms", loadMs);
        result.addProperty("heap_used_mib", heapUsed / (1024.0 * 1024));
        result.addProperty("rss_mib", rssMib());
        result.addProperty("parameters", m.transformer().weights().asMap().values().stream().mapToLong(Tensor::size).sum());
        JsonArray timings = new JsonArray();
        boolean first = true;
        for (int n : lengths) {
            int[] prompt = Arrays.copyOf(ids, n);
            for (int i = 0; i < warmup; i++) model.forward(prompt);
            List<Double> ms = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                long t = System.nanoTime();
                model.forward(prompt);
                ms.add((System.nanoTime() - t) / 1e6);
            }
            JsonObject row = new JsonObject();
            row.addProperty("tokens", n);
            row.addProperty("median_ms", median(ms));
            timings.add(row);
            System.err.printf("  circuitscope (%s) %d tokens: median %.0f ms of %s%n", dtype.optionName(), n, median(ms), ms);
            if (first) {
                System.gc();
                result.addProperty("rss_after_one_pass_mib", rssMib());
                result.addProperty("heap_after_one_pass_mib", (rt.totalMemory() - rt.freeMemory()) / (1024.0 * 1024));
                result.addProperty("append_one_token_median_ms", appendOneToken(model, Arrays.copyOf(ids, n + 1), warmup, runs));
                first = false;
            }
        }
        result.add("forward", timings);
        result.addProperty("rss_after_forward_mib", rssMib());

        // The check: token ids and the last logits row of the first length, little-endian float32.
        int[] check = Arrays.copyOf(ids, lengths[0]);
        Tensor logits = model.forward(check);
        int v = cfg.dVocab();
        ByteBuffer buf = ByteBuffer.allocate(4 * v).order(ByteOrder.LITTLE_ENDIAN);
        for (int j = 0; j < v; j++) buf.putFloat(logits.data()[(check.length - 1) * v + j]);
        Files.createDirectories(out);
        Files.write(out.resolve("logits.f32"), buf.array());
        JsonArray idArray = new JsonArray();
        for (int id : check) idArray.add(id);
        Files.writeString(out.resolve("ids.json"), idArray.toString());
        System.out.println(new GsonBuilder().setPrettyPrinting().create().toJson(result));
        m.close();
    }

    /** Median time of an edit at the end: the last of {@code tokens} recomputed over a cache of the others. */
    private static double appendOneToken(Transformer model, int[] tokens, int warmup, int runs) {
        KeyValueCache kv = new KeyValueCache(model.config());
        int from = tokens.length - 1;
        IncrementalForward.extend(model, kv, tokens, 0, name -> false, null);
        for (int i = 0; i < warmup + 2; i++) IncrementalForward.extend(model, kv, tokens, from, name -> false, null);
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < Math.max(runs, 5); i++) {
            long t = System.nanoTime();
            IncrementalForward.extend(model, kv, tokens, from, name -> false, null);
            ms.add((System.nanoTime() - t) / 1e6);
        }
        System.err.printf("  circuitscope one-token append after %d tokens: median %.1f ms of %s%n", from, median(ms), ms);
        return median(ms);
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /** This process's resident set (VmRSS) in MiB, or -1 where /proc is not there. */
    private static double rssMib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        } catch (IOException | NumberFormatException e) {
            // Not Linux: no figure.
        }
        return -1;
    }
}

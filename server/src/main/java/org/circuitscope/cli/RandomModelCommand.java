package org.circuitscope.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.circuitscope.io.HuggingFaceCheckpoint;
import org.circuitscope.io.HuggingFaceConfig;
import org.circuitscope.io.ModelDirectory;
import org.circuitscope.model.ActFn;
import org.circuitscope.model.Architecture;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.PositionalEmbedding;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.model.Weights;
import org.circuitscope.tokenizer.BpeTrainer;
import org.circuitscope.tokenizer.LlamaTokenizerJsonWriter;
import org.circuitscope.tokenizer.SentencePieceBpeTrainer;
import org.circuitscope.tokenizer.TokenizerJsonWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Writes a randomly initialised model directory with a byte-level tokenizer: for trying the
 * tools before trained models exist, for benchmarks at a chosen shape, and (with --family) for
 * checkpoints in a Hugging Face family's exact layout, as transformers' save_pretrained writes it.
 */
@Command(name = "random-model", mixinStandardHelpOptions = true,
        description = "Write a seeded random model (TransformerLens layout, or a Hugging Face family's with --family) with a byte-level tokenizer.json.")
final class RandomModelCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write config.json, model.safetensors (and tokenizer.json) into.") Path out;
    @Option(names = "--family", paramLabel = "NAME", description = "Write a Hugging Face checkpoint of this family: gpt2, neox (GPT-NeoX, Pythia), llama, mistral or qwen2."
            + " Without it, TransformerLens layout.") String family;
    @Option(names = "--n-layers", defaultValue = "2", description = "Transformer blocks (n_layers; default ${DEFAULT-VALUE}).") int nLayers;
    @Option(names = "--d-model", defaultValue = "64", description = "Width of the residual stream (d_model; default ${DEFAULT-VALUE}).") int dModel;
    @Option(names = "--n-heads", defaultValue = "4", description = "Attention heads per layer (n_heads; default ${DEFAULT-VALUE}).") int nHeads;
    @Option(names = "--d-head", defaultValue = "16", description = "Width of each head (d_head; default ${DEFAULT-VALUE}).") int dHead;
    @Option(names = "--n-kv-heads", description = "Key/value heads (llama-style families; default n_heads, fewer is grouped-query attention).") Integer nKvHeads;
    @Option(names = "--d-mlp", defaultValue = "256", description = "Hidden width of each MLP (d_mlp; default ${DEFAULT-VALUE}; unused with --attn-only).") int dMlp;
    @Option(names = "--n-ctx", defaultValue = "256", description = "Context length, the rows of W_pos (n_ctx; default ${DEFAULT-VALUE}).") int nCtx;
    @Option(names = "--d-vocab", description = "Vocabulary size; default 257 (bytes + <|endoftext|>), which also writes tokenizer.json.")
    Integer dVocab;
    @Option(names = "--attn-only", description = "No MLPs (attn_only), as the paper's attention-only models (TransformerLens layout only).") boolean attnOnly;
    @Option(names = "--act-fn", description = "MLP activation (act_fn: gelu_new, gelu, relu, silu; default gelu_new, gelu for neox, silu for llama-style).") String actFn;
    @Option(names = "--normalization-type", description = "LN, LNPre, RMS, RMSPre or none (normalization_type; default LN; a family decides its own).") String norm;
    @Option(names = "--rotary-pct", defaultValue = "0.25", description = "neox: the fraction of each head that rotates (rotary_pct; default ${DEFAULT-VALUE}).") double rotaryPct;
    @Option(names = "--rotary-base", description = "Rotary θ (rope_theta; default 10000).") Double rotaryBase;
    @Option(names = "--parallel", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "neox: attention and MLP both read the residual stream (use_parallel_residual; default on).") boolean parallel;
    @Option(names = "--tied", description = "Tie the unembedding to the embedding (tie_word_embeddings; default: tied for gpt2, untied for the others).", negatable = true) Boolean tied;
    @Option(names = "--qkv-bias", description = "llama: biases on the attention projections (attention_bias, on q, k, v and o). qwen2 always has q, k, v biases;"
            + " gpt2 and neox always have them; mistral never.") boolean qkvBias;
    @Option(names = "--seed", defaultValue = "0", description = "Seed of the random weights: the same seed writes the same model (default ${DEFAULT-VALUE}).") long seed;
    @Option(names = "--init-std", defaultValue = "0.02", description = "Standard deviation of the normal weights (default ${DEFAULT-VALUE}).") double initStd;
    @Option(names = "--dtype", defaultValue = "F32", description = "F32, F16 or BF16 storage (default ${DEFAULT-VALUE}).") String dtype;
    @Option(names = "--shards", paramLabel = "N", description = "With --family: write the weights as N shards and model.safetensors.index.json,"
            + " as Hugging Face saves large models (default 1: one model.safetensors).") int shards = 1;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        int vocab = dVocab == null ? 257 : dVocab;
        String name = out.toAbsolutePath().normalize().getFileName().toString();
        if (!List.of("F32", "F16", "BF16").contains(dtype)) throw new IllegalArgumentException("--dtype must be F32, F16 or BF16");
        if (shards < 1) throw new IllegalArgumentException("--shards must be at least 1, got " + shards);
        if (shards > 1 && family == null) throw new IllegalArgumentException("--shards needs --family: TransformerLens-layout models are one file");
        String layout;
        if (family == null) {
            ModelConfig cfg = new ModelConfig(name, nLayers, dModel, nHeads, dHead, attnOnly ? 0 : dMlp, vocab, nCtx,
                    ActFn.parse(actFn == null ? "gelu_new" : actFn), Normalization.parse(norm == null ? "LN" : norm), attnOnly, 1e-5, true);
            ModelDirectory.save(out, RandomWeights.generate(cfg, seed, initStd), dtype);
            layout = "TransformerLens layout";
        } else {
            HuggingFaceConfig hc = HuggingFaceCheckpoint.describe(huggingFaceConfig(name, vocab));
            // Random weights, then as the family stores them: biases it lacks zero, a tied unembedding W_Eᵀ.
            Weights w = HuggingFaceCheckpoint.fit(hc, RandomWeights.generate(hc.config(), seed, initStd));
            HuggingFaceCheckpoint.save(out, hc, w, dtype, shards);
            layout = "Hugging Face " + hc.modelType() + " layout";
        }
        if (sentencePiece(vocab)) {
            // Llama 2's kind: byte fallback and ▁ for spaces, trained on a paragraph; ids past it are unused.
            var v = SentencePieceBpeTrainer.train(TOKENIZER_TEXT, Math.min(vocab, TRAINED_VOCAB));
            LlamaTokenizerJsonWriter.write(out.resolve(ModelDirectory.TOKENIZER), v.chars(), v.merges());
        } else if (vocab == BYTE_VOCAB || family != null && vocab > BYTE_VOCAB) {
            // Byte-level BPE (GPT-2's, Pythia's kind): bytes, merges learned from a paragraph, <|endoftext|>.
            TokenizerJsonWriter.write(out.resolve(ModelDirectory.TOKENIZER), byteMerges(vocab));
        }
        spec.commandLine().getOut().printf("wrote random model %s (%d layers, d_model %d, %d heads, vocab %d, %s) to %s%n",
                name, nLayers, dModel, nHeads, vocab, layout, out);
        return 0;
    }

    /** The byte-level tokenizer's vocabulary: 256 bytes and <|endoftext|>. */
    private static final int BYTE_VOCAB = 257;
    /** Llama's <s>. */
    private static final int LLAMA_BOS = 1;
    /** At most this many tokens in a random model's trained tokenizer (the paragraph it learns from has no more to give). */
    private static final int TRAINED_VOCAB = 1024;
    private static final String TOKENIZER_TEXT = """
            In the beginning the model read every token of the prompt, and each head attended to the tokens             before it. Induction heads copy what followed an earlier occurrence of the current token; previous             token heads look one position back. The residual stream carries what each layer writes, and the             unembedding reads the final stream to score the next token. Researchers hover a token to see what             the model predicted there, which heads and paths caused it, and how sure it was. 0123456789             "quoted", (parenthesised), semi-colons; and new
            lines.""";

    /** The byte-level merges of a random family checkpoint's tokenizer (none at 257 tokens); <|endoftext|> follows them. */
    private static List<String[]> byteMerges(int vocab) {
        return vocab <= BYTE_VOCAB ? List.of() : BpeTrainer.train(TOKENIZER_TEXT, Math.min(vocab, TRAINED_VOCAB));
    }

    /** Llama and Mistral checkpoints with room for a SentencePiece-style vocabulary get one, as theirs are. */
    private boolean sentencePiece(int vocab) {
        return family != null && List.of("llama", "mistral").contains(family) && vocab >= LlamaTokenizerJsonWriter.FIXED + 64;
    }

    /** The family's config from the options; HuggingFaceCheckpoint.describe then refuses, field by field, what the family cannot hold. */
    private HuggingFaceConfig huggingFaceConfig(String name, int vocab) {
        if (attnOnly) throw new IllegalArgumentException("--attn-only models have no Hugging Face layout; leave out --family");
        String type = switch (family) {
            case "gpt2" -> "gpt2";
            case "neox", "gpt_neox", "pythia" -> "gpt_neox";
            case "llama", "mistral", "qwen2" -> family;
            default -> throw new IllegalArgumentException("--family must be gpt2, neox, llama, mistral or qwen2, got " + family);
        };
        boolean llamaStyle = !type.equals("gpt2") && !type.equals("gpt_neox");
        Normalization n = llamaStyle ? Normalization.RMS : Normalization.LN;
        if (norm != null && Normalization.parse(norm) != n) {
            throw new IllegalArgumentException("--family " + family + " uses normalization_type " + n.tlName() + ", not " + norm);
        }
        if (nKvHeads != null && !llamaStyle) throw new IllegalArgumentException("--n-kv-heads needs a llama-style family (llama, mistral, qwen2)");
        ActFn act = ActFn.parse(actFn != null ? actFn : llamaStyle ? "silu" : type.equals("gpt2") ? "gelu_new" : "gelu");
        double base = rotaryBase == null ? 10000 : rotaryBase;
        Architecture arch = switch (type) {
            case "gpt2" -> Architecture.GPT2;
            case "gpt_neox" -> {
                int rotaryDim = (int) (dHead * rotaryPct);
                if (!(rotaryPct > 0 && rotaryPct <= 1) || rotaryDim < 2 || rotaryDim % 2 != 0) {
                    throw new IllegalArgumentException("--rotary-pct " + rotaryPct + " gives rotary_dim " + rotaryDim
                            + " of d_head " + dHead + "; it must be even and at least 2");
                }
                yield new Architecture(PositionalEmbedding.ROTARY, rotaryDim, base, 0, false, parallel, "");
            }
            default -> new Architecture(PositionalEmbedding.ROTARY, dHead, base, nKvHeads == null ? 0 : nKvHeads, true, false, "");
        };
        ModelConfig cfg = new ModelConfig(name, nLayers, dModel, nHeads, dHead, dMlp, vocab, nCtx, act, n, false,
                llamaStyle ? 1e-6 : 1e-5, true, arch);
        boolean bias = switch (type) {
            case "llama" -> qkvBias;
            case "mistral" -> false;
            default -> true;
        };
        if (qkvBias && !type.equals("llama")) throw new IllegalArgumentException("--qkv-bias applies to --family llama only; " + family
                + (bias ? " always has attention biases" : " has none"));
        boolean tie = tied != null ? tied : type.equals("gpt2");
        int bos = sentencePiece(vocab) ? LLAMA_BOS : vocab >= BYTE_VOCAB ? 256 + byteMerges(vocab).size() : -1;
        return new HuggingFaceConfig(type, cfg, tie, bias, bos);
    }
}

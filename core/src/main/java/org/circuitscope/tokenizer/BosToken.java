package org.circuitscope.tokenizer;

/**
 * Which token a model reads as beginning of sequence, named from outside the
 * {@code tokenizer.json} (which does not say): see {@link Tokenizer} for the rule per family.
 */
public sealed interface BosToken {

    /** By id, as config.json's {@code bos_token_id} gives it. */
    record Id(int id) implements BosToken {}

    /** By vocabulary string, as tokenizer_config.json's {@code bos_token} gives it. */
    record Named(String token) implements BosToken {}

    /** GPT-2's convention (also Pythia's): {@code <|endoftext|>}, or none when the vocabulary lacks it. */
    record EndOfText() implements BosToken {}

    /** The model has no BOS token. */
    record None() implements BosToken {}

    static BosToken id(int id) {
        return new Id(id);
    }

    static BosToken named(String token) {
        return new Named(token);
    }

    static BosToken endOfText() {
        return new EndOfText();
    }

    static BosToken none() {
        return new None();
    }

    /**
     * The rule a model-directory loader applies: config.json's {@code bos_token_id} when it has
     * one (null when absent or JSON null); else tokenizer_config.json's {@code bos_token}; else its
     * {@code eos_token}, which TransformerLens also uses as BOS when a tokenizer has none; else
     * {@code <|endoftext|>}.
     */
    static BosToken choose(Integer configBosTokenId, TokenizerConfigJson tokenizerConfig) {
        if (configBosTokenId != null) return id(configBosTokenId);
        if (tokenizerConfig.bosToken().isPresent()) return named(tokenizerConfig.bosToken().get());
        if (tokenizerConfig.eosToken().isPresent()) return named(tokenizerConfig.eosToken().get());
        return endOfText();
    }
}

#!/usr/bin/env bash
# Corpus-scan throughput of the Spark job on one machine: spark/scan-local with local[1] and
# local[2] (one task per core, each task's kernels on its own thread), tokens/s of each and the
# scaling ratio (goal ≥ 1.7×). The corpus: bench/scan-corpus.sh's (326 KJV documents, about
# 272,000 tokens), or CORPUS.
#
#   bench/scan-spark.sh                 # gelu-2l
#   bench/scan-spark.sh --gpt2          # also the GPT-2-small shape (random weights, made once
#                                       # with circuitscope random-model; slow on 2 cores)
#
# Environment: JAVA_HOME (JDK 25), CORPUS, CONTEXT (default: the model's n_ctx).
# tokens/s counts the tokens of the documents over the Spark job's own time (partitions scanned
# and merged), not the JVM's start or the model's load.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$root/bench/target/scan-spark"
mkdir -p "$work"
corpus="${CORPUS:-$("$root/bench/scan-corpus.sh")}"

models=("$root/samples/models/gelu-2l")
if [ "${1:-}" = --gpt2 ]; then
  gpt2="$work/gpt2-small-random"
  if [ ! -f "$gpt2/config.json" ]; then
    echo "== writing $gpt2 (GPT-2 small's shape, random weights) ==" >&2
    "$root/circuitscope" random-model --family gpt2 --out "$gpt2" --n-layers 12 --d-model 768 --n-heads 12 \
      --d-head 64 --d-mlp 3072 --n-ctx 1024 --d-vocab 50257 --seed 1 >&2
  fi
  models+=("$gpt2")
fi

context=()
[ -n "${CONTEXT:-}" ] && context=(--context "$CONTEXT")
printf '%-22s %-9s %10s %12s\n' model master tokens tokens/s
for model in "${models[@]}"; do
  declare -A rate=()
  for cores in 1 2; do
    line=$("$root/spark/scan-local" --master "local[$cores]" --model "$model" --out "$work/out-$cores" "${context[@]}" \
      --partitions $((4 * cores)) "$corpus" 2>&1 | grep '^ScanJob: scanned' | tail -1)
    tokens=$(sed -E 's/.* ([0-9]+) tokens in.*/\1/' <<<"$line")
    rate[$cores]=$(sed -E 's/.* ([0-9.]+) tokens\/s$/\1/' <<<"$line")
    printf '%-22s %-9s %10s %12s\n' "$(basename "$model")" "local[$cores]" "$tokens" "${rate[$cores]}"
  done
  awk -v a="${rate[1]}" -v b="${rate[2]}" -v m="$(basename "$model")" 'BEGIN { printf "%-22s scaling local[1] → local[2]: %.2f×\n", m, b / a }'
done

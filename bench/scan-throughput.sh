#!/usr/bin/env bash
# Single-machine scan throughput: `circuitscope scan` on the shipped gelu-2l with --threads 1
# and 2, one after the other; prints predicted tokens/s of the scan itself (the progress bar's
# last figure: model loading and JVM start-up excluded) and the scaling ratio 2 / 1 threads.
#
#   bench/scan-throughput.sh                  # bench/scan-corpus.sh's corpus: 326 KJV documents,
#                                             # about 272,000 tokens
#   bench/scan-throughput.sh --corpus FILE    # any corpus input the scan accepts
#   bench/scan-throughput.sh --prepare        # run train/prepare-corpus.sh first (Debian bible-kjv)
#
# Environment: MODEL (default samples/models/gelu-2l), CONTEXT (default 256), THREADS (default "1 2").
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model="${MODEL:-$root/samples/models/gelu-2l}"
context="${CONTEXT:-256}"
threads="${THREADS:-1 2}"
corpus=""
usage() { sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --corpus) corpus="$2"; shift 2 ;;
    --prepare) "$root/train/prepare-corpus.sh"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "scan-throughput.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done
[[ -n "$corpus" ]] || corpus="$("$root/bench/scan-corpus.sh")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "corpus $corpus, model $model, context $context, load average $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A rate
for t in $threads; do
  "$root/circuitscope" scan --model "$model" --out "$tmp/t$t" --context "$context" --threads "$t" "$corpus" >"$tmp/out$t" 2>"$tmp/err$t" \
    || { cat "$tmp/err$t" >&2; exit 1; }
  rate[$t]=$(grep -o '[0-9,]* tok/s' "$tmp/err$t" | tail -1 | tr -d ', tok/s')
  printf 'threads %s: %s tokens/s  (%s)\n' "$t" "${rate[$t]}" "$(head -1 "$tmp/out$t")"
done
if [[ -n "${rate[1]:-}" && -n "${rate[2]:-}" ]]; then
  awk -v a="${rate[1]}" -v b="${rate[2]}" 'BEGIN { printf "scaling 1 → 2 threads: %.2f×\n", b / a }'
fi

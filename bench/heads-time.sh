#!/usr/bin/env bash
# Times the whole `heads` command (copying scores, skip-trigrams, induction on repeated tokens,
# composition scores and their baseline) on a random model of GPT-2 small's shape: 12 layers,
# d_model 768, 12 heads × d_head 64, d_mlp 3072, vocab 50,257, n_ctx 1,024. Each run is a fresh
# JVM, as a user runs it, so the time includes loading the model and the kernels' warm-up.
#
#   bench/heads-time.sh                         # 5 runs of this tree's launcher, median
#   bench/heads-time.sh --runs 3
#   bench/heads-time.sh --against /path/to/other/checkout   # alternate with another build's launcher
#
# Prints each run's wall-clock and CPU seconds and the medians (with the load average before
# each run); with --against, both builds' medians and the ratio this / other. The model is
# written once to $HEADS_MODEL (default ${TMPDIR:-/tmp}/circuitscope-heads-gpt2s).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs=5
against=""
usage() { sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --against) against="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "heads-time.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "heads-time.sh: --runs must be a number >= 1, got '$runs'" >&2; exit 2; }
if [[ -n "$against" && ! -x "$against/circuitscope" ]]; then
  echo "heads-time.sh: --against wants a checkout with a circuitscope launcher; $against/circuitscope is not there" >&2; exit 2
fi

model="${HEADS_MODEL:-${TMPDIR:-/tmp}/circuitscope-heads-gpt2s}"
if [[ ! -f "$model/config.json" ]]; then
  echo "writing the GPT-2-small-shaped random model to $model ..." >&2
  "$root/circuitscope" random-model --out "$model" --n-layers 12 --d-model 768 --n-heads 12 --d-head 64 \
    --d-mlp 3072 --d-vocab 50257 --n-ctx 1024 --seed 1 >&2
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# One run: "wall cpu" in seconds; the JSON goes to a file so both builds' numbers can be compared.
one() {
  local launcher="$1" out="$2"
  /usr/bin/time -f "%e %U %S" -o "$tmp/time" "$launcher" heads --model "$model" --json > "$out" 2> "$tmp/err" \
    || { cat "$tmp/err" >&2; echo "heads-time.sh: $launcher heads failed" >&2; exit 1; }
  awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' "$tmp/time"
}

declare -a ours theirs
for ((i = 1; i <= runs; i++)); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  r=$(one "$root/circuitscope" "$tmp/ours.json"); ours+=("$r")
  echo "run $i  this tree:  wall ${r% *} s, cpu ${r#* } s  (load $load)" >&2
  if [[ -n "$against" ]]; then
    load=$(cut -d' ' -f1 /proc/loadavg)
    r=$(one "$against/circuitscope" "$tmp/theirs.json"); theirs+=("$r")
    echo "run $i  other tree: wall ${r% *} s, cpu ${r#* } s  (load $load)" >&2
  fi
done

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
wo=$(printf '%s\n' "${ours[@]}" | cut -d' ' -f1 | median); co=$(printf '%s\n' "${ours[@]}" | cut -d' ' -f2 | median)
echo "heads on the GPT-2-small shape, $runs runs, $(nproc) cores: median wall $wo s, cpu $co s (this tree)"
if [[ -n "$against" ]]; then
  wt=$(printf '%s\n' "${theirs[@]}" | cut -d' ' -f1 | median); ct=$(printf '%s\n' "${theirs[@]}" | cut -d' ' -f2 | median)
  echo "                                       median wall $wt s, cpu $ct s (other tree)"
  awk -v a="$wo" -v b="$wt" -v c="$co" -v d="$ct" 'BEGIN { printf "this / other: wall %.2f, cpu %.2f\n", a / b, c / d }'
fi

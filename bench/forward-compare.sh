#!/usr/bin/env bash
# Side-by-side forward pass: circuitscope (JMH ForwardBenchmark) and PyTorch (forward_torch.py),
# same GPT-2-small shape, same prompt lengths, run one after the other (never at the same time:
# they would fight over the cores). Prints one table of medians and the ratio ours / PyTorch.
#
#   bench/forward-compare.sh                      # 128 and 1024 tokens, 2 warm-up + 5 timed passes
#   bench/forward-compare.sh --tokens 128 --runs 3 --warmup 1
#   bench/forward-compare.sh --rebuild            # rebuild bench/target/benchmarks.jar first
#   bench/forward-compare.sh --jvm-args "-Xms12g -XX:+AlwaysPreTouch"   # extra options for our JVM
#
# Environment: JAVA_HOME (a JDK 25; else /usr/lib/jvm/temurin-25-jdk-amd64), PYTHON (default
# /usr/bin/python3, Debian's, which has python3-torch), THREADS (default 2, both sides).
# Writes the table, JMH's json (every pass), PyTorch's json, the machine, the load average before
# and after and the commit to bench/results/forward-<UTC time>-<commit>/ (OUT=folder to change).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tokens="128,1024"
runs=5
warmup=2
rebuild=0
jvm_args=""
threads="${THREADS:-2}"
python="${PYTHON:-/usr/bin/python3}"

usage() { sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --tokens) tokens="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --rebuild) rebuild=1; shift ;;
    --jvm-args) jvm_args="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "forward-compare.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done
[[ "$tokens" =~ ^[0-9]+(,[0-9]+)*$ ]] || { echo "forward-compare.sh: --tokens wants numbers separated by commas, got '$tokens'" >&2; exit 2; }
[[ "$runs" =~ ^[1-9][0-9]*$ && "$warmup" =~ ^[0-9]+$ ]] || { echo "forward-compare.sh: --runs must be >= 1 and --warmup >= 0" >&2; exit 2; }

# --- JDK 25 -------------------------------------------------------------------------------
java_major() { "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }
jdk=""
for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do
  if [[ -n "$candidate" && -x "$candidate/bin/java" && "$(java_major "$candidate")" -ge 25 ]]; then jdk="$candidate"; break; fi
done
[[ -n "$jdk" ]] || { echo "forward-compare.sh: no JDK 25 found; set JAVA_HOME to a JDK 25 (Temurin 25 is what the project uses)" >&2; exit 1; }
export JAVA_HOME="$jdk"

# --- PyTorch ------------------------------------------------------------------------------
"$python" -c 'import torch' 2>/dev/null || {
  echo "forward-compare.sh: $python cannot import torch; on Debian: apt-get install python3-torch libopenblas0-pthread" >&2
  echo "  (or point PYTHON at an interpreter that has torch)" >&2; exit 1; }

# --- the benchmark jar --------------------------------------------------------------------
jar="$root/bench/target/benchmarks.jar"
if [[ $rebuild -eq 1 || ! -f "$jar" ]]; then
  echo "building $jar ..." >&2
  (cd "$root" && mvn -q -pl bench -am package -DskipTests 2>&1 | grep -v '^WARNING' >&2) || true
  [[ -f "$jar" ]] || { echo "forward-compare.sh: the build did not produce $jar; run 'mvn -pl bench -am package -DskipTests' and read its errors" >&2; exit 1; }
fi

# --- a shared machine makes timings meaningless: say so --------------------------------------
cores=$(nproc)
load=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load" -v c="$cores" 'BEGIN { exit !(l > c * 0.5) }'; then
  # The load average counts the whole host, so the culprit may be outside this container.
  echo "WARNING: load average $load on $cores cores: another heavy process is running; timings will be noisy" \
       "(compare ratios, and re-run when the machine is idle)." >&2
fi

commit="$(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo unknown)$(cd "$root" && git diff --quiet HEAD -- core bench 2>/dev/null || echo -dirty)"
tmp="${OUT:-$root/bench/results/forward-$(date -u +%Y%m%dT%H%MZ)-$commit}"
mkdir -p "$tmp"
{
  echo "commit: $commit"
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $cores CPUs, avx512f: $(grep -q avx512f /proc/cpuinfo && echo yes || echo no)"
  echo "java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)${jvm_args:+, with $jvm_args}"
  echo "tokens $tokens, $warmup warm-up + $runs timed passes, $threads threads"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$tmp/machine.txt"

echo "== circuitscope (JMH ForwardBenchmark, tokens $tokens, $warmup warm-up + $runs timed passes) ==" >&2
"$JAVA_HOME/bin/java" -jar "$jar" 'org\.circuitscope\.bench\.ForwardBenchmark\.' \
  -p tokens="$tokens" -wi "$warmup" -i "$runs" -f 1 \
  -jvmArgsPrepend "-Dcircuitscope.threads=$threads${jvm_args:+ $jvm_args}" \
  -rf json -rff "$tmp/jmh.json" > "$tmp/jmh.log" 2>&1 \
  || { tail -40 "$tmp/jmh.log" >&2; echo "forward-compare.sh: the JMH run failed (log above)" >&2; exit 1; }
grep -h '^\[circuitscope\]\|kernels:' "$tmp/jmh.log" | sed 's/.*\[circuitscope\]/  /' | sort -u >&2 || true

echo "== PyTorch (forward_torch.py, $threads threads) ==" >&2
OMP_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads" MKL_NUM_THREADS="$threads" \
  "$python" "$root/bench/forward_torch.py" --tokens "$tokens" --runs "$runs" --warmup "$warmup" --threads "$threads" \
  > "$tmp/torch.json"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$tmp/machine.txt"

"$python" - "$tmp/jmh.json" "$tmp/torch.json" <<'EOF' | tee "$tmp/table.txt"
import json, statistics, sys

jmh = json.load(open(sys.argv[1]))
torch = json.load(open(sys.argv[2]))

ours = {}
for r in jmh:
    # SingleShotTime: each raw sample is one pass, so their median is the median pass.
    mode = {"runWithCache": "cache", "forward": "logits"}[r["benchmark"].rsplit(".", 1)[1]]
    samples = [x for fork in r["primaryMetric"]["rawData"] for x in fork]
    ours[(int(r["params"]["tokens"]), mode)] = statistics.median(samples)
theirs = {(r["tokens"], r["mode"]): r["median_ms"] for r in torch["results"]}

label = {"cache": "full cache", "logits": "logits"}
print(f"PyTorch {torch['torch']}, {torch['threads']} threads, BLAS: {', '.join(torch['blas_libraries']) or 'unknown'}")
print(f"{'tokens':>6}  {'mode':<10}  {'circuitscope ms':>15}  {'PyTorch ms':>10}  {'ours/PyTorch':>12}")
for key in sorted(set(ours) | set(theirs)):
    a, b = ours.get(key), theirs.get(key)
    ratio = f"{a / b:.2f}" if a and b else "-"
    fa = f"{a:.1f}" if a is not None else "-"
    fb = f"{b:.1f}" if b is not None else "-"
    print(f"{key[0]:>6}  {label[key[1]]:<10}  {fa:>15}  {fb:>10}  {ratio:>12}")
EOF
echo "written to $tmp" >&2

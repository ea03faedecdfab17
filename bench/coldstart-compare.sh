#!/usr/bin/env bash
# Cold first hover, A/B: fresh servers of two or more server jars taking turns, one LspColdStart
# run each per round, on the GPT-2-small shape (1,000 tokens, hover on the last one), each with
# its own start-up cache (made first, as the extension's is after the first start).
#
#   bench/coldstart-compare.sh [--rounds 5] [--no-aot] LABEL=JAR[,JVM_ARG...] LABEL=JAR ...
#   bench/coldstart-compare.sh main=../main/server/target/circuitscope.jar this=server/target/circuitscope.jar
#
# Prints per run: spawn → initialize, spawn → hover, the server's CPU time to the hover, when the
# model was loaded and when the kernels had all switched to SIMD (the server's log at FINE), and
# the medians per label. Writes them with the load average and the commit to
# bench/results/coldstart-<UTC time>-<commit>/. Build bench/target/benchmarks.jar first.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rounds=5
aot=1
specs=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --no-aot) aot=0; shift ;;
    -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *=*) specs+=("$1"); shift ;;
    *) echo "coldstart-compare.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
[[ ${#specs[@]} -ge 1 ]] || { echo "coldstart-compare.sh: name at least one LABEL=JAR" >&2; exit 2; }
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
[[ -f bench/target/benchmarks.jar ]] || { echo "coldstart-compare.sh: build bench/target/benchmarks.jar first (mvn -q -pl bench -am package -DskipTests)" >&2; exit 1; }

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
out="bench/results/coldstart-$(date -u +%Y%m%dT%H%MZ)-$commit"
mkdir -p "$out"
caches=$(mktemp -d "${TMPDIR:-/tmp}/circuitscope-coldstart.XXXXXX")
{
  echo "commit $commit, $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p')"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/runs.txt"

for r in $(seq "$rounds"); do
  for spec in "${specs[@]}"; do
    label=${spec%%=*}
    rest=${spec#*=}
    IFS=, read -r -a parts <<<"$rest"
    jar=$(realpath "${parts[0]}")
    args=()
    for a in "${parts[@]:1}"; do args+=(--jvm-arg "$a"); done
    [[ $aot -eq 1 ]] && args+=(--aot-cache "$caches/$label.aot")
    res=$("$java" -cp bench/target/benchmarks.jar org.circuitscope.bench.LspColdStart --model gpt2 --runs 1 --jar "$jar" --breakdown "${args[@]}" 2>&1) \
      || { echo "$res" >&2; exit 1; }
    init=$(sed -n 's/^run 1: spawn → initialize \([0-9]*\) ms.*/\1/p' <<<"$res")
    hover=$(sed -n 's/^run 1: .*first hover \([0-9]*\) ms.*/\1/p' <<<"$res")
    cpu=$(sed -n 's/^run 1: .*server CPU \([0-9]*\) ms.*/\1/p' <<<"$res")
    loaded=$(awk '/loaded model/ {print $1; exit}' <<<"$res")
    switched=$(awk '/kernels switched to/ {print $1; exit}' <<<"$res")
    printf '%-12s round %d  load %s  initialize %6s ms  hover %6s ms  cpu %6s ms  loaded@%s  switched@%s\n' \
      "$label" "$r" "$(cut -d' ' -f1 /proc/loadavg)" "$init" "$hover" "$cpu" "${loaded:--}" "${switched:--}" | tee -a "$out/runs.txt"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/runs.txt"
# Medians per label (hover and CPU).
median() { sort -n | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
for spec in "${specs[@]}"; do
  label=${spec%%=*}
  runs=$(grep "^$label  *round " "$out/runs.txt")
  printf '%-12s median hover %s ms, median server CPU %s ms (%s runs)\n' "$label" \
    "$(awk '{print $10}' <<<"$runs" | median)" "$(awk '{print $13}' <<<"$runs" | median)" "$(wc -l <<<"$runs")" | tee -a "$out/runs.txt"
done
rm -rf "$caches"
echo "written to $out/runs.txt"

#!/usr/bin/env bash
# Times float32 C = A·B at the model's shapes: our Kernels.gemm beside OpenBLAS's cblas_sgemm (the
# library Debian's torch.mm calls), both in one JVM, call by call (GemmTimer: our warm-up, the
# scalar start included, is never timed), on 2 threads and on 1, at two widths:
#   AVX-512: ours at the CPU's widest vectors       beside OPENBLAS_CORETYPE=SkylakeX
#   AVX2:    ours at -Dcircuitscope.vectorBits=256  beside OPENBLAS_CORETYPE=Haswell
# and writes the table, the raw lines, the machine (lscpu), the load average before and after and
# the commit to bench/results/sgemm-<UTC time>-<commit>/. JMH=1 also runs MatmulBenchmark (ours and
# OpenBLAS, -rf json) for every width and thread count into the same folder.
#
# Needs: `apt-get install -y libopenblas0-pthread` and bench/target/benchmarks.jar
# (`mvn -q -pl bench -am package -DskipTests`).
# Usage: bench/sgemm-compare.sh [runs=15] [m,k,n ...]
#   env: THREADS="2 1"  WIDTHS="512 256"  JMH=1  JMH_OPTS="-wi 2 -i 3 -w 1 -r 1"
#        OPENBLAS_THREAD_TIMEOUT (default 4 here, OpenBLAS's own 28): OpenBLAS's worker threads
#        spin for 2^N cycles after each call (~0.1 s at 28) on the cores our next call needs; with
#        both in one JVM that halved our 2-thread figure at some shapes, while a lower value costs
#        OpenBLAS only a thread wake-up per call (tens of µs on calls of 5-100 ms)
#        OPENBLAS=/path/libopenblas.so.0  OUT=folder (default bench/results/sgemm-…)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-15}"
shift || true
SHAPES="${*:-1024,768,768 1024,768,3072 1024,3072,768 1024,768,2304 128,768,50257 1024,2048,2048 1024,2048,256 1024,2048,5632 1024,5632,2048 128,2048,32000}"
THREADS="${THREADS:-2 1}"
WIDTHS="${WIDTHS:-512 256}"
JMH_OPTS="${JMH_OPTS:--wi 2 -i 3 -w 1 -r 1}"
OPENBLAS="${OPENBLAS:-/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0}"
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
JAR=bench/target/benchmarks.jar
[ -f "$JAR" ] || { echo "missing $JAR: run 'mvn -q -pl bench -am package -DskipTests' first" >&2; exit 1; }
[ -f "$OPENBLAS" ] || { echo "no OpenBLAS at $OPENBLAS: apt-get install -y libopenblas0-pthread (or OPENBLAS=path)" >&2; exit 1; }

COMMIT="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- core bench || echo -dirty)"
OUT="${OUT:-bench/results/sgemm-$(date -u +%Y%m%dT%H%MZ)-$COMMIT}"
mkdir -p "$OUT"
{
    echo "commit: $COMMIT"
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs, L2 $(lscpu | sed -n 's/^L2 cache: *//p'), avx512f: $(grep -q avx512f /proc/cpuinfo && echo yes || echo no)"
    echo "java: $("$JAVA" -version 2>&1 | head -1)"
    echo "openblas: $(readlink -f "$OPENBLAS")"
    echo "runs: $RUNS (median of alternating calls, ours and OpenBLAS in one JVM)"
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/machine.txt"

core_for() { [ "$1" = 512 ] && echo SkylakeX || echo Haswell; }
has_width() { [ "$1" != 512 ] || grep -q avx512f /proc/cpuinfo; }

for w in $WIDTHS; do
    has_width "$w" || { echo "# no AVX-512 on this CPU: skipping width 512" | tee -a "$OUT/machine.txt"; continue; }
    for t in $THREADS; do
        echo "width $w, $t thread(s) ..." >&2
        OPENBLAS_CORETYPE="$(core_for "$w")" OPENBLAS_NUM_THREADS="$t" OMP_NUM_THREADS="$t" OPENBLAS_THREAD_TIMEOUT="${OPENBLAS_THREAD_TIMEOUT:-4}" \
            "$JAVA" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx6g \
            -Dcircuitscope.threads="$t" -Dcircuitscope.vectorBits="$w" -Dcircuitscope.bench.openblas="$OPENBLAS" \
            -cp "$JAR" org.circuitscope.bench.GemmTimer "$RUNS" $SHAPES 2>/dev/null > "$OUT/raw-$w-bit-$t-thread.txt"
        if [ "${JMH:-0}" = 1 ]; then
            OPENBLAS_CORETYPE="$(core_for "$w")" OPENBLAS_NUM_THREADS="$t" OMP_NUM_THREADS="$t" OPENBLAS_THREAD_TIMEOUT="${OPENBLAS_THREAD_TIMEOUT:-4}" \
                "$JAVA" -jar "$JAR" MatmulBenchmark $JMH_OPTS -p shape="$(echo "$SHAPES" | tr ', ' 'x,')" \
                -jvmArgsAppend "--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx4g -Dcircuitscope.threads=$t -Dcircuitscope.vectorBits=$w -Dcircuitscope.bench.openblas=$OPENBLAS" \
                -rf json -rff "$OUT/jmh-$w-bit-$t-thread.json" > "$OUT/jmh-$w-bit-$t-thread.log" 2>&1
        fi
    done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"

# One row per width and shape; per thread count OpenBLAS and ours in GFLOP/s (medians) and the
# ratio ours/OpenBLAS of the medians and of the fastest runs.
{
    cat "$OUT/machine.txt"
    for w in $WIDTHS; do
        has_width "$w" || continue
        echo
        echo "## $w bit: ours ($(sed -n 's/^# kernels: //p' "$OUT/raw-$w-bit-$(echo $THREADS | cut -d' ' -f1)-thread.txt"))"
        header="$(printf '%-16s' 'm,k,n')"
        for t in $THREADS; do header+="$(printf ' | %dt: %8s %8s %6s %6s' "$t" 'BLAS GF' 'ours GF' 'ratio' 'best')"; done
        echo "$header"
        for s in $SHAPES; do
            read -r m k n <<< "$(echo "$s" | tr ',' ' ')"
            row="$(printf '%-16s' "$s")"
            for t in $THREADS; do
                row+="$(awk -v m="$m" -v k="$k" -v n="$n" -v t="$t" '$1==m && $2==k && $3==n {
                    printf " | %dt: %8.1f %8.1f %6.2f %6.2f", t, $8, $5, $5/$8, $6/$9 }' "$OUT/raw-$w-bit-$t-thread.txt")"
            done
            echo "$row"
        done
    done
} | tee "$OUT/table.txt"
echo "written to $OUT" >&2

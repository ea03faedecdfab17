#!/usr/bin/env bash
# Times float32 C = A·B at GPT-2-small shapes in PyTorch (torch.mm on OpenBLAS, 2 threads) and
# in our Kernels.gemm (GemmTimer, median of N runs) in one go, and prints both with the ratio.
#
# Needs: `apt-get install -y python3-torch libopenblas0-pthread` (Debian torch links the system
# BLAS, OpenBLAS with those packages) and `mvn -q install -DskipTests` (bench/target/benchmarks.jar).
# Debian's OpenBLAS 0.3.21 picks its AVX2 "Haswell" kernels on Zen 5; OPENBLAS_CORETYPE=SkylakeX
# in the environment makes it use the AVX-512 ones (about twice as fast per core), for the
# stricter comparison.
# Usage: [OPENBLAS_CORETYPE=SkylakeX] bench/sgemm-compare.sh [runs] [extra JVM args, e.g. -Dcircuitscope.simd=false]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-10}"
shift || true
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
JAR=bench/target/benchmarks.jar
SHAPES="1024,768,768 1024,768,3072 1024,3072,768 1024,768,2304 128,768,50257"
# The python3 on PATH may be a pyenv one without torch; Debian's torch lives under /usr/bin.
PY=/usr/bin/python3
[ -f "$JAR" ] || { echo "missing $JAR: run 'mvn -q install -DskipTests' first" >&2; exit 1; }
"$PY" -c 'import torch' 2>/dev/null || { echo "no torch for $PY: apt-get install -y python3-torch libopenblas0-pthread" >&2; exit 1; }

torch_out=$(OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2 "$PY" - "$RUNS" $SHAPES <<'PY'
import sys, time, statistics, torch
torch.set_num_threads(2)
runs = int(sys.argv[1])
for s in sys.argv[2:]:
    m, k, n = map(int, s.split(","))
    g = torch.Generator().manual_seed(1)
    a = torch.randn(m, k, generator=g, dtype=torch.float32)
    b = torch.randn(k, n, generator=g, dtype=torch.float32)
    c = torch.empty(m, n, dtype=torch.float32)
    t_end = time.perf_counter() + 1.0
    w = 0
    while w < 3 or (time.perf_counter() < t_end and w < 50):
        torch.mm(a, b, out=c); w += 1
    ts = []
    for _ in range(runs):
        t0 = time.perf_counter(); torch.mm(a, b, out=c); ts.append(time.perf_counter() - t0)
    ms = statistics.median(ts) * 1e3
    best = min(ts) * 1e3
    print(m, k, n, f"{ms:.3f}", f"{2.0*m*n*k/(ms*1e6):.1f}", f"{best:.3f}", f"{2.0*m*n*k/(best*1e6):.1f}")
PY
)
ours_out=$("$JAVA" --add-modules jdk.incubator.vector -Xmx4g "$@" -cp "$JAR" org.circuitscope.bench.GemmTimer "$RUNS" $SHAPES 2>/dev/null)

echo "torch $("$PY" -c 'import torch; print(torch.__version__)') threads=2 OpenBLAS core=$(OPENBLAS_VERBOSE=2 "$PY" -c 'import torch; torch.ones(64,64)@torch.ones(64,64)' 2>&1 | sed -n 's/^Core: //p') | ours: $(echo "$ours_out" | grep '^#' | sed 's/# kernels: //') | median of $RUNS runs"
echo "(median = median of the runs; best = fastest run, less sensitive to other load on the machine)"
printf "%-16s %9s %9s %9s %9s %7s | %9s %9s %7s\n" "m,k,n" "torch ms" "torch GF" "ours ms" "ours GF" "ratio" "best tGF" "best oGF" "ratio"
paste <(echo "$torch_out") <(echo "$ours_out" | grep -v '^#') | while read -r m k n tms tgf _ tbgf _ _ _ oms ogf _ obgf; do
    printf "%-16s %9s %9s %9s %9s %7s | %9s %9s %7s\n" "$m,$k,$n" "$tms" "$tgf" "$oms" "$ogf" \
        "$(awk -v o="$ogf" -v t="$tgf" 'BEGIN{printf "%.2f", o/t}')" "$tbgf" "$obgf" \
        "$(awk -v o="$obgf" -v t="$tbgf" 'BEGIN{printf "%.2f", o/t}')"
done

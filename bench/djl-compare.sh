#!/usr/bin/env bash
# The DJL backend on DJL's CPU engine against the SIMD backend, in one JVM (DjlCompare in the djl
# module): random models of the GPT-2-small shape (124 M parameters) and the TinyLlama shape
# (1.1 B: 22 layers, d_model 2048, 32 heads on 4 key/value heads, SwiGLU d_mlp 5632, vocab 32,000),
# made in memory (the same shapes bench/family-compare.sh writes to disk); the median forward
# pass at 128 and 1,024 tokens and for a batch of 32 prompts of 128 tokens, and the largest
# logit difference between the backends.
#
#   bench/djl-compare.sh                 # both shapes (about 20 minutes on 2 cores)
#   SHAPES=gpt2-small bench/djl-compare.sh
#
# Environment: JAVA_HOME (JDK 25), THREADS (default 2: circuitscope's pool and PyTorch's
# intra-op threads alike), HEAP (default 12g; TinyLlama's weights are 4.4 GB on the heap and as
# much again in libtorch's memory), TOKENS / BATCH / BATCH_TOKENS (what is measured), WARMUP/RUNS per measurement (default 1/3 for
# GPT-2 small; TinyLlama runs once with no warm-up unless TL_WARMUP/TL_RUNS say otherwise).
# On a GPU machine set up per the README's CUDA recipe, the same script measures DJL on CUDA.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
threads="${THREADS:-2}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
lib="$root/djl/target/circuitscope-djl/lib"
jar="$root/server/target/circuitscope.jar"
if [[ ! -d "$lib" || ! -f "$jar" ]]; then
  (cd "$root" && mvn -q -B -pl server,djl -am package -DskipTests >&2)
fi
run() { # shape warmup runs (TOKENS, BATCH, BATCH_TOKENS: what is measured, default 128,1024 / 32 / 128)
  OMP_NUM_THREADS="$threads" "$JAVA_HOME/bin/java" "-Xmx${HEAP:-12g}" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
    -Dcircuitscope.threads="$threads" -Dai.djl.pytorch.num_threads="$threads" -Dai.djl.pytorch.num_interop_threads=1 \
    -Dai.djl.offline=true -cp "$jar:$lib/*" org.circuitscope.djl.DjlCompare "$1" "${TOKENS:-128,1024}" "${BATCH:-32}" "${BATCH_TOKENS:-128}" "$2" "$3" 2> >(grep -v WARNING >&2)
}
for shape in ${SHAPES:-gpt2-small tinyllama}; do
  echo "== $shape ==" >&2
  if [[ $shape == tinyllama ]]; then run "$shape" "${TL_WARMUP:-0}" "${TL_RUNS:-1}"; else run "$shape" "${WARMUP:-1}" "${RUNS:-3}"; fi
done

#!/usr/bin/env bash
# A TinyLlama-shaped random model (22 layers, d_model 2048, 32 heads on 4 key/value heads,
# d_mlp 5632, vocab 32,000, BF16 on disk, Hugging Face layout) through circuitscope and through
# its PyTorch twin (family_torch.py, reading the same files), one after the other: load time,
# memory, the median forward pass at 128 and 1,024 tokens, a check that both compute the same
# last logits row, then hover latency after an edit in the language server (LspLatency).
# The comparison with PyTorch loads the weights as float32 (--weights-dtype f32); a second
# process then loads the same BF16 files kept 16-bit (the default) for the 128-token pass, a
# one-token append and the resident memory after loading + one pass, beside the float32 load's.
#
#   bench/family-compare.sh                     # all of it (about 15 minutes on 2 cores)
#   bench/family-compare.sh --no-lsp            # without the language-server part
#
# Environment: JAVA_HOME (JDK 25), PYTHON (default /usr/bin/python3 with python3-torch),
# THREADS (default 2), MODEL_DIR (default bench/target/tinyllama-random; made once), TOKENS (prompt
# lengths of the PyTorch comparison, default 128,1024; the first is the kept-16-bit comparison's).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
threads="${THREADS:-2}"
tokens="${TOKENS:-128,1024}"
first="${tokens%%,*}"
python="${PYTHON:-/usr/bin/python3}"
model="${MODEL_DIR:-$root/bench/target/tinyllama-random}"
lsp=1
[[ "${1:-}" == "--no-lsp" ]] && lsp=0
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
# 1.1 B parameters are 4.4 GB as float32: the JVM's default heap (a quarter of memory) may not hold them.
heap="-Xmx${HEAP:-16g}"
# JVM_ARGS: more options for both of our processes, e.g. the language server's heap options
# (server/jvm.options: -XX:MinHeapFreeRatio=20 -XX:MaxHeapFreeRatio=40), which decide how much of
# the heap a full collection hands back, and so the resident memory compared.
read -r -a extra <<<"${JVM_ARGS:-}"

if [[ ! -f "$model/config.json" ]]; then
  echo "== writing $model (random weights, BF16) ==" >&2
  JAVA_TOOL_OPTIONS="$heap" "$root/circuitscope" random-model --family llama --out "$model" --n-layers 22 --d-model 2048 \
    --n-heads 32 --d-head 64 --n-kv-heads 4 --d-mlp 5632 --d-vocab 32000 --n-ctx 2048 --dtype BF16 --seed 1 >&2
fi
jar="$root/bench/target/benchmarks.jar"
[[ -f "$jar" ]] || (cd "$root" && mvn -q -pl bench -am package -DskipTests >&2)
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

echo "== circuitscope (FamilyBench, $threads threads, weights as float32) ==" >&2
"$JAVA_HOME/bin/java" "$heap" "${extra[@]}" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -Dcircuitscope.threads="$threads" -cp "$jar" org.circuitscope.bench.FamilyBench "$model" "$tokens" 1 3 "$out" f32 \
  > "$out/ours.json" 2> >(grep -v WARNING >&2)
echo "== circuitscope (FamilyBench, $threads threads, BF16 weights kept 16-bit) ==" >&2
"$JAVA_HOME/bin/java" "$heap" "${extra[@]}" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -Dcircuitscope.threads="$threads" -cp "$jar" org.circuitscope.bench.FamilyBench "$model" "$first" 1 3 "$out/kept" keep \
  > "$out/kept.json" 2> >(grep -v WARNING >&2)
echo "== PyTorch (family_torch.py, $threads threads) ==" >&2
OMP_NUM_THREADS="$threads" "$python" "$root/bench/family_torch.py" "$model" --tokens "$tokens" --runs 3 --warmup 1 \
  --threads "$threads" --check "$out" > "$out/torch.json"
"$python" - "$out/ours.json" "$out/torch.json" "$out/kept.json" <<'PY'
import json, sys
ours, theirs, kept = (json.load(open(f)) for f in sys.argv[1:4])
print(f"parameters {ours['parameters']:,}; circuitscope load {ours['load_ms']:.0f} ms, heap {ours['heap_used_mib']:.0f} MiB, "
      f"RSS {ours['rss_mib']:.0f} MiB after load, {ours['rss_after_forward_mib']:.0f} MiB after the passes; "
      f"PyTorch load {theirs['load_ms']:.0f} ms (torch {theirs['torch']}, {theirs['threads']} threads)")
t = {r['tokens']: r['median_ms'] for r in theirs['forward']}
print(f"{'tokens':>6}  {'circuitscope ms':>15}  {'PyTorch ms':>10}  {'ours/PyTorch':>12}")
for r in ours['forward']:
    n, a = r['tokens'], r['median_ms']
    print(f"{n:>6}  {a:>15.0f}  {t[n]:>10.0f}  {a / t[n]:>12.2f}")
c = theirs['check']
print(f"check, {c['tokens']} tokens: last logits row max |ours - PyTorch| {c['max_abs_diff']:.2e} "
      f"(max |logit| {c['max_abs_logit']:.2f}), same argmax: {c['same_argmax']}")
f128 = ours['forward'][0]
k128 = kept['forward'][0]
print(f"\n{'weights':>16}  {'forward ' + str(f128['tokens']) + ' ms':>15}  {'PyTorch ms':>10}  {'ours/PyTorch':>12}  "
      f"{'append 1 ms':>11}  {'RSS MiB':>8}  {'heap MiB':>8}")
for name, r, f in (("float32", ours, f128), ("BF16 kept", kept, k128)):
    print(f"{name:>16}  {f['median_ms']:>15.0f}  {t[f['tokens']]:>10.0f}  {f['median_ms'] / t[f['tokens']]:>12.2f}  "
          f"{r['append_one_token_median_ms']:>11.1f}  {r['rss_after_one_pass_mib']:>8.0f}  {r['heap_after_one_pass_mib']:>8.0f}")
print(f"BF16 kept / float32: forward {k128['median_ms'] / f128['median_ms']:.2f}, one-token append "
      f"{kept['append_one_token_median_ms'] / ours['append_one_token_median_ms']:.2f}, RSS after load + one pass "
      f"{kept['rss_after_one_pass_mib'] / ours['rss_after_one_pass_mib']:.2f} (goal <= 0.6)")
PY
if [[ $lsp -eq 1 ]]; then
  echo "== language server (LspLatency on $model) ==" >&2
  "$JAVA_HOME/bin/java" "$heap" "${extra[@]}" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
    -cp "$jar" org.circuitscope.bench.LspLatency "$model" 20 2 2> >(grep -v WARNING >&2)
fi

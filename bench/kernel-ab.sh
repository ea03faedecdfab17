#!/usr/bin/env bash
# A/B of the SIMD kernels (core's tensor package) of another git revision against this tree's,
# in one JVM: each build in its own class loader, rounds alternating which goes first, so both
# see the same load; medians of ns per call over the rounds, on one kernel thread.
#
#   bench/kernel-ab.sh                 # main against the working tree, 31 rounds
#   bench/kernel-ab.sh REV [ROUNDS]
#
# Cases: GPT-2-small and gelu-2l products (packed tiles, accumulate, edge tiles, one row,
# attention scores), segmentDots, dot, softmax, layerNorm (KernelAb.java). Needs only a JDK 25.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rev="${1:-main}"
rounds="${2:-31}"
java_home="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
pkg=core/src/main/java/org/circuitscope/tensor
mkdir -p "$work/src-old" "$work/old" "$work/new" "$work/main"
for f in $(git -C "$root" ls-tree --name-only "$rev" "$pkg/"); do git -C "$root" show "$rev:$f" > "$work/src-old/$(basename "$f")"; done
javac() { "$java_home/bin/javac" -nowarn --add-modules jdk.incubator.vector "$@" 2>&1 | grep -v 'incubat\|^1 warning\|^Note' || true; }
javac -d "$work/old" "$work"/src-old/*.java "$root/bench/kernel-ab/KernelAb.java"
javac -d "$work/new" "$root/$pkg"/*.java "$root/bench/kernel-ab/KernelAb.java"
javac -d "$work/main" "$root/bench/kernel-ab/KernelAbMain.java"
echo "# $rev (old) against the working tree (new) at $(git -C "$root" rev-parse --short HEAD); load: $(cut -d' ' -f1-3 /proc/loadavg)"
"$java_home/bin/java" --add-modules jdk.incubator.vector -Dcircuitscope.threads=1 -cp "$work/main" KernelAbMain "$work/old" "$work/new" "$rounds" 2>&1 | grep -v '^WARNING: Using incubator'

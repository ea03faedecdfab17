#!/bin/sh
# make-release.sh VERSION JAR JVM_OPTIONS RUNTIME TARGET: lays out the release archive
# TARGET/circuitscope-VERSION-PLATFORM/ (bin/circuitscope, lib/, a copy of RUNTIME as runtime/),
# makes its start-up cache with that runtime's java, and packs it as ...tar.gz beside it.
set -eu
version=$1
jar=$2
options_file=$3
runtime=$4
target=$5
sh_dir=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$sh_dir/../../../.." && pwd)

# The platform is the one of the JDK that linked the runtime: the machine building.
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) platform=linux-x64 ;;
  Linux-aarch64) platform=linux-aarch64 ;;
  Darwin-x86_64) platform=macos-x64 ;;
  Darwin-arm64) platform=macos-aarch64 ;;
  *) echo "make-release.sh: no release archive for $(uname -s) $(uname -m)" >&2; exit 1 ;;
esac
name=circuitscope-$version-$platform
out=$target/$name
rm -rf "$out" "$out.tar.gz"
mkdir -p "$out/bin" "$out/lib"
cp -R "$runtime" "$out/runtime"
cp "$jar" "$out/lib/circuitscope.jar"
cp "$options_file" "$out/lib/jvm.options"
cp "$repo/scripts/jvm-options.sh" "$out/lib/jvm-options.sh"
cp "$sh_dir/circuitscope" "$out/bin/circuitscope"
chmod 755 "$out/bin/circuitscope"

# The start-up cache: a training run (one language-server session in the process, as the server
# makes its own cache) with the archive's java, jar and language-server options; batch commands
# load it too. The JDK checks the jar's size and time against it, which tar keeps, and accepts
# the archive unpacked anywhere (the jar's place relative to the cache is what counts).
. "$repo/scripts/jvm-options.sh"
options=$(jvm_options "$options_file" lsp)
log=$target/aot-training.log
set -f
# shellcheck disable=SC2086 # one option word per line
if ! CIRCUITSCOPE_CACHE="$target/aot-training-cache" "$out/runtime/bin/java" $options \
    -XX:AOTCacheOutput="$out/lib/circuitscope.aot" -jar "$out/lib/circuitscope.jar" aot-train >"$log" 2>&1 </dev/null; then
  set +f
  cat "$log" >&2
  echo "make-release.sh: the start-up cache's training run failed (its output is above and in $log)" >&2
  exit 1
fi
set +f

tar -C "$target" -czf "$out.tar.gz" "$name"
echo "$out.tar.gz: $(du -h "$out.tar.gz" | cut -f1) ($(du -sh "$out" | cut -f1) unpacked; the start-up cache $(du -h "$out/lib/circuitscope.aot" | cut -f1))"

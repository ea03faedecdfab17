#!/bin/sh
# link-runtime.sh JDK OUT: links the Java runtime that the release archive and the VS Code
# platform packages carry, with JDK's jlink (from its jmods, or from its own run-time image,
# JEP 493): only the modules the server needs, stripped and compressed. OUT is replaced.
#
# The modules: jdeps --print-module-deps on the server jar, less what only unused library code
# refers to, checked by running every command and the language server on the image
# (README.md, "Install"): java.base; java.logging (the server's log, LSP4J, SnakeYAML);
# java.management (the JVM options of the start-up cache's training run); jdk.httpserver (the
# picture viewer); jdk.incubator.vector (the kernels). Not needed: java.desktop (DJL's image and
# audio classes, EJML's plots, SnakeYAML's JavaBeans introspection; the safe loader never uses
# it), java.sql (Gson's optional date adapters), java.compiler (annotations),
# jdk.unsupported (Gson falls back to it only for classes without a no-argument constructor,
# which nothing here deserialises; DJL's tokenizer library is loaded by JNI), jdk.jfr.
set -eu
jdk=$1
out=$2
modules=java.base,java.logging,java.management,jdk.httpserver,jdk.incubator.vector
[ -x "$jdk/bin/jlink" ] || { echo "link-runtime.sh: no jlink in $jdk/bin (a JDK 25 is needed, not a JRE)" >&2; exit 1; }
rm -rf "$out"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! "$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
    --compress=zip-6 --output "$out" >"$log" 2>&1; then
  cat "$log" >&2
  exit 1
fi
# jlink itself runs with the incubator module and says so: not news.
grep -v -x -F 'WARNING: Using incubator modules: jdk.incubator.vector' "$log" >&2 || true
echo "linked $out ($(du -sh "$out" | cut -f1)): $modules"

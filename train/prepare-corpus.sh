#!/usr/bin/env bash
# Prepares the training corpus: the King James Bible from Debian's bible-kjv package (public
# domain). One verse per line, reference prefix stripped. Genesis–Philemon is the training
# text; Hebrews–Revelation (about 4% of the text) is held out for evaluation.
set -euo pipefail
out=${1:-$(dirname "$0")/corpus}
if ! command -v bible >/dev/null; then
  echo "installing bible-kjv (Debian package)..." >&2
  apt-get install -y -qq bible-kjv >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq bible-kjv; }
fi
mkdir -p "$out"
bible -f Gen1:1-Rev22:21 > "$out/raw.txt"
sed -E 's/^[0-9]?[A-Za-z]+[0-9]+:[0-9]+ //' "$out/raw.txt" > "$out/all.txt"
line=$(grep -n '^Heb1:1 ' "$out/raw.txt" | cut -d: -f1)
rm "$out/raw.txt"
head -n $((line - 1)) "$out/all.txt" > "$out/train.txt"
tail -n +"$line" "$out/all.txt" > "$out/heldout.txt"
wc -l -c "$out/train.txt" "$out/heldout.txt" >&2

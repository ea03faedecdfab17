#!/usr/bin/env bash
# Writes the corpus the scan benchmarks time (bench/scan-throughput.sh, bench/scan-spark.sh) and
# prints its path: the first 1,000,000 characters of the KJV training text (train/corpus/train.txt,
# made by train/prepare-corpus.sh) as JSONL documents of about 3,000 characters, cut at line ends
# (326 documents, about 272,000 gelu-2l tokens): enough work that the JVM's start, the model's load
# and the kernels' warm-up are a small part of the time, and documents enough for every core.
# Without the corpus: samples/prompts/hebrews-heldout.txt cut the same way (a much smaller run).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/train/corpus/train.txt"
[[ -f "$src" ]] || src="$root/samples/prompts/hebrews-heldout.txt"
out="$root/bench/target/scan-corpus/$(basename "$src" .txt)-docs.jsonl"
mkdir -p "$(dirname "$out")"
/usr/bin/python3 - "$src" "$out" <<'PY'
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()[:1_000_000]
docs, cur = [], ""
for line in text.split("\n"):
    cur += line + "\n"
    if len(cur) > 3000:
        docs.append(cur); cur = ""
if cur.strip(): docs.append(cur)
with open(sys.argv[2], "w", encoding="utf-8") as f:
    for i, d in enumerate(docs): f.write(json.dumps({"id": "d%04d" % i, "text": d}) + "\n")
PY
echo "$out"

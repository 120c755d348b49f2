#!/usr/bin/env bash
# eval.sh: prints the entity stage's P/R/F1 table on the GMB held-out slice (last 2,000
# sentences) and on re3d (out of domain), for the whole stage and for the bare tagger.
# usage: tools/eval.sh [BIN_DIR]   (`make eval` calls this)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/bin}
shared=${SHARED_DATA:-$root/../shared/data/ner}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unzip -q -o "$shared/gmb_ner_dataset.csv.zip" -d "$tmp"
iconv -f latin1 -t utf-8 "$tmp/ner_dataset.csv" > "$tmp/gmb.csv"
re3d=(--re3d "$shared/re3d/CONLL-format/data/train/re3d-train.conll"
      --re3d "$shared/re3d/CONLL-format/data/test/re3d-test.conll")
echo "== entity stage (tagger + rules + document consistency) =="
"$bin/tools/ner_eval" --data "$root/data" --gmb "$tmp/gmb.csv" --split test "${re3d[@]}"
echo "== bare tagger =="
"$bin/tools/ner_eval" --data "$root/data" --gmb "$tmp/gmb.csv" --split test "${re3d[@]}" --tagger-only

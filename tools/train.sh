#!/usr/bin/env bash
# train.sh: regenerates data/ner/model.bin and data/ner/lexicon.tsv from the GMB corpus.
# usage: tools/train.sh [BIN_DIR]   (BIN_DIR defaults to bin; `make ner-model` calls this)
# Unzips the corpus to a temp dir, converts it from Latin-1 to UTF-8 and runs the trainer.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/bin}
shift || true
zip=${GMB_ZIP:-$root/../shared/data/ner/gmb_ner_dataset.csv.zip}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unzip -q -o "$zip" -d "$tmp"
iconv -f latin1 -t utf-8 "$tmp/ner_dataset.csv" > "$tmp/gmb.csv"
"$bin/tools/ner_train" --gmb "$tmp/gmb.csv" --data "$root/data" "$@"

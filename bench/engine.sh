#!/usr/bin/env bash
# engine.sh: engine throughput on news text, MB/s per core with a per-stage breakdown.
#
#   bash bench/engine.sh [SECONDS] [full|counts]
#   NO_NER=1 bash bench/engine.sh ...   the same without the NER/geo stage (data/engine only)
#
# Builds the engine library (make BUILD=build/bench-engine) and bench/engine_bench.c,
# then analyses the example articles, the shared sample and a long article made of
# them (~30 KB) for SECONDS of CPU time on one core.  Prints the figures; record them
# in bench/RESULTS.md with the machine they came from.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_ARG=${1:-5}
MODE=${2:-full}
B=build/bench-engine
make --no-print-directory -s BUILD=$B BIN=$B/bin $B/libdsengine.a $B/libds.a >/dev/null
PKGS="libutf8proc libexttextcat libxml-2.0 nettle"
cc -std=c11 -D_GNU_SOURCE -O2 -g -Ilib -Iworker/engine bench/engine_bench.c \
   $B/libdsengine.a $B/libds.a $(pkg-config --libs $PKGS) -lstemmer -lm -o $B/engine_bench

CORPUS=(examples/docs/*.txt)
SAMPLE=../shared/samples/us-iran-relations-2007.txt
[ -f "$SAMPLE" ] && CORPUS+=("$SAMPLE")
LONG=$B/long-article.txt
for _ in 1 2 3 4 5 6; do cat examples/docs/*.txt; [ -f "$SAMPLE" ] && cat "$SAMPLE"; done >"$LONG"
CORPUS+=("$LONG")

DATA=data
if [ "${NO_NER:-0}" = 1 ]; then
  DATA=$B/data-no-ner
  mkdir -p "$DATA"
  ln -sfn "$PWD/data/engine" "$DATA/engine"
fi

echo "engine_bench: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "corpus: ${#CORPUS[@]} documents, $(cat "${CORPUS[@]}" | wc -c) bytes; mode $MODE; ${SECONDS_ARG}s; data $DATA"
$B/engine_bench --seconds "$SECONDS_ARG" --mode "$MODE" --data "$DATA" "${CORPUS[@]}"

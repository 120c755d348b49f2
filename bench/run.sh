#!/usr/bin/env bash
# bench/run.sh: Dossier's benchmarks side by side with the queues users would pick
# instead, all on this machine in one run, written up in bench/RESULTS.md.
#
#   bash bench/run.sh quick|full        (make bench-quick / make bench)
#
# Every system does the same trivial job: a ~3 KB news article in, count its words,
# HSET a small hash into Redis; producers and workers are separate processes; each
# figure is end to end (first submit until the last result is visible in Redis).
# Peers: a raw ZeroMQ PUSH/PULL pipeline (the ceiling), beanstalkd (in memory, and with
# its binlog fsync'd on every put), Gearman, Celery 5 and RQ, installed from Debian
# here if missing.  Dossier: dossier-broker (durable accept, LMDB journal) and
# dossier-worker --analysis counts, then --analysis full for throughput, latency at
# 25/50/90 % of the maximum rate, scaling over 1/2/4 children, memory and (full only)
# the journal after 100,000 documents.  The trivial-job systems are measured in
# interleaved rounds (each round runs every system once), so that load from other
# work on the machine spreads over all of them alike.
#
# Every server is private to the run: a redis-server on a kernel-chosen port with
# --save "", peers on kernel-chosen ports on 127.0.0.1, state in a temp dir; all are
# stopped at the end.  Environment knobs: BIN (Dossier's binaries, default bin),
# BUILD (default build; bench programs go to $BUILD/bench), BENCH_RUNS (3),
# BENCH_WORKERS (nproc), BENCH_ARTICLE, BENCH_NOTE (a line for the report),
# BENCH_OUTPUT (default bench/RESULTS.md), BENCH_ONLY (space-separated system names).
set -euo pipefail

MODE=${1:-quick}
case $MODE in quick | full) ;; *) echo "usage: $0 quick|full" >&2; exit 64 ;; esac
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PY=/usr/bin/python3 # Debian's, which has celery, rq and redis
export PYTHONDONTWRITEBYTECODE=1 # no __pycache__ in the tree
BIN=${BIN:-bin}
BUILD=${BUILD:-build}
OUT="$ROOT/$BUILD/bench"
RUNS=${BENCH_RUNS:-3}
WORKERS=${BENCH_WORKERS:-$(nproc)}
ARTICLE=${BENCH_ARTICLE:-}
OUTPUT=${BENCH_OUTPUT:-bench/RESULTS.md}
if [[ -z $ARTICLE ]]; then
  for f in ../shared/samples/us-iran-relations-2007.txt examples/docs/*.txt; do
    [[ -f $f ]] && { ARTICLE=$(cd "$(dirname "$f")" && pwd)/$(basename "$f"); break; }
  done
fi
[[ -f $ARTICLE ]] || { echo "bench: no article (set BENCH_ARTICLE)" >&2; exit 66; }

# Jobs per run: each system's warm-up rate times RUN_MS, within N_MIN..N_MAX, so that a
# slow system does not stretch the run and a fast one runs long enough to measure.
if [[ $MODE == quick ]]; then
  RUN_MS=400 N_MIN=50 N_MAX=3000 WARM_N=30 LAT_MS=300 LAT_MIN=30 TIMEOUT=30 SCALE_ANALYSES="full" ENGINE_S=1
else
  RUN_MS=5000 N_MIN=300 N_MAX=20000 WARM_N=300 LAT_MS=4000 LAT_MIN=200 TIMEOUT=180 SCALE_ANALYSES="counts full"
  ENGINE_S=5
fi
SCALE_CHILDREN="1 2 4"
N_JOURNAL=100000

TMP=$(mktemp -d /tmp/dossier-bench.XXXXXX)
RAW=$TMP/raw.tsv
: >"$RAW"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
cleanup() { bg_stop_all; [[ -n ${BENCH_KEEP_TMP:-} ]] || rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
START_S=$(date +%s)
LOAD_START=$(cut -d" " -f1-3 /proc/loadavg | tr ' ' ,)
RUN_STARTED=$(date -u +%Y-%m-%dT%H:%MZ)
GIT_REV=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -n $(git status --porcelain --untracked-files=no 2>/dev/null) ]] && GIT_REV+="+uncommitted"

# ---- peers installed from Debian, idempotently ---------------------------------
install_peers() {
  local pkgs=(beanstalkd gearman-job-server libgearman-dev gearman-tools python3-celery python3-rq
    python3-redis redis-server redis-tools libzmq3-dev libhiredis-dev libmsgpack-dev) missing=() p
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  local sudo=""
  [[ $(id -u) -ne 0 ]] && sudo=sudo
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  { $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
    >"$TMP/apt.log" 2>&1 || log "apt-get failed (see below); peers that need it will be reported missing"
  # Debian may start the packaged daemons on install; this bench starts its own.
}
install_peers
make --no-print-directory -s -C bench OUT="$OUT" >"$TMP/build.log" 2>&1 ||
  { cat "$TMP/build.log" >&2; echo "bench: building bench programs failed" >&2; exit 70; }

log "peers installed, bench programs built"

# ---- Redis --------------------------------------------------------------------
REDIS_PORT=$(free_port)
bg_start redis redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --unixsocket "$TMP/redis.sock" \
  --save "" --appendonly no --dir "$TMP"
REDIS_PID=$BG_PID
wait_port "$REDIS_PORT" || { echo "bench: redis-server did not start" >&2; exit 69; }
cmdlog redis "redis-server --port \$FREE_PORT --bind 127.0.0.1 --save \"\" --appendonly no"

COMMON=(--article "$ARTICLE" --redis-port "$REDIS_PORT" --timeout "$TIMEOUT")
SYSTEMS=()     # trivial-job systems that started
declare -A ROOTS PRODUCER NJOBS UNAVAILABLE

only() { [[ -z ${BENCH_ONLY:-} || " $BENCH_ONLY " == *" $1 "* ]]; }
unavailable() { UNAVAILABLE[$1]=$2; record unavailable "$1" 0 "reason=$2"; log "$1: not available: $2"; }

source "$ROOT/bench/peers.sh"
source "$ROOT/bench/dossier.sh"

# warm_up NAME: 0 when the system works, and then NJOBS[NAME] is sized (calibrate).
warm_up() {
  NJOBS[$1]=$(calibrate "$TMP/$1-producer.log" "${PRODUCER[$1]}") && [[ -n ${NJOBS[$1]} ]]
}

# start every server first (Celery takes seconds to boot), then warm each one up
STARTED=()
for s in zmq beanstalkd beanstalkd-fsync gearman celery rq rq-simple dossier; do
  only "$s" || continue
  if "start_$s"; then
    STARTED+=("$s")
  elif [[ -z ${UNAVAILABLE[$s]:-} ]]; then
    unavailable "$s" "did not start: $(tail -n 3 "$TMP/$s"*.log 2>/dev/null | tr '\n\t' '  ' | cut -c1-300)"
  fi
done
log "started: ${STARTED[*]}"
for s in "${STARTED[@]}"; do
  if warm_up "$s"; then
    SYSTEMS+=("$s")
  else
    unavailable "$s" "did not warm up: $(tail -n 3 "$TMP/$s"*.log 2>/dev/null | tr '\n\t' '  ' | cut -c1-300)"
  fi
done

# ---- trivial job: interleaved rounds ------------------------------------------------
for ((r = 1; r <= RUNS; r++)); do
  for s in "${SYSTEMS[@]}"; do
    [[ $s == dossier ]] && split0=$(ds_split_ticks)
    out=$("${PRODUCER[$s]}" "${NJOBS[$s]}" "$s-r$r" 2>>"$TMP/$s-producer.log") || true
    f=$(result_fields "$out")
    if [[ -n $f ]]; then
      record trivial "$s" "$r" "$f workers=$WORKERS $(accept_field "$out")"
      [[ $s == dossier ]] && record split dossier "$r" "$(ds_split_fields "$split0" "${NJOBS[$s]}")"
      log "round $r $s: $f"
    else
      record failed "$s" "$r" "output=$(tr '\n\t' '  ' <<<"$out" | cut -c1-200)"
      log "round $r $s: FAILED $(tail -n 2 "$TMP/$s-producer.log" | tr '\n' ' ')"
    fi
  done
  rcli -n 1 FLUSHDB >/dev/null # peers' result hashes; counting is relative anyway
done
if [[ " ${SYSTEMS[*]} " == *" dossier "* ]]; then
  record memory dossier-counts 1 "$(ds_memory_fields "$WORKERS")"
fi
for s in "${SYSTEMS[@]}"; do "stop_$s"; done

# ---- Dossier only -------------------------------------------------------------
log "rounds done"
if [[ " ${SYSTEMS[*]} " == *" dossier "* ]]; then
  dossier_full_and_latency
  dossier_scaling
  [[ $MODE == full ]] && dossier_journal
fi

# ---- engine (bench/engine* belongs to the engine's owner) -----------------------
# (usage: bash bench/engine.sh SECONDS full|counts; plain-text output, shown verbatim)
if [[ -f bench/engine.sh ]] && only engine; then
  log "engine: bash bench/engine.sh $ENGINE_S full"
  { echo '```'; timeout 300 bash bench/engine.sh "$ENGINE_S" full 2>"$TMP/engine.log" ||
    echo "bench/engine.sh failed: $(tail -n 3 "$TMP/engine.log" | tr '\n' ' ')"; echo '```'; } >"$TMP/engine.md"
fi

# ---- report -------------------------------------------------------------------
record meta run 0 "mode=$MODE runs=$RUNS workers=$WORKERS secs=$(($(date +%s) - START_S)) started=$RUN_STARTED git=$GIT_REV" \
  "load_start=$LOAD_START load_end=$(cut -d" " -f1-3 /proc/loadavg | tr ' ' ,)"
# the raw figures, the commands and the engine's output are kept, so that
# `report.py generate` can be rerun on them (e.g. after a change to the report)
mkdir -p "$OUT"
cp "$RAW" "$OUT/last-raw.tsv"
cp "$TMP/commands.tsv" "$OUT/last-commands.tsv" 2>/dev/null || true
cp "$TMP/engine.md" "$OUT/last-engine.md" 2>/dev/null || true
"$PY" bench/report.py generate --raw "$RAW" --commands "$TMP/commands.tsv" --mode "$MODE" \
  --article "$ARTICLE" --bin "$BIN" --engine "$TMP/engine.md" --note "${BENCH_NOTE:-}" --out "$OUTPUT"
log "wrote $OUTPUT in $(($(date +%s) - START_S)) s (raw figures: $OUT/last-raw.tsv)"

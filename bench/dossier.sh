# bench/dossier.sh: Dossier's part of the benchmarks; sourced by bench/run.sh.
#
# ds_launch starts dossier-broker (durable accept: a document is acknowledged once it
# is in the LMDB journal and fsync'd) on a kernel-chosen port and one dossier-worker
# with N prefork children writing to the bench's redis-server, db 0.  Completion is
# counted on the results stream (XLEN dossier:results, one entry per document); the
# latency runs follow it with XREAD BLOCK (bench/c/ds_watch.c).  When the binaries
# are missing or do not start, Dossier is reported "not available" with the reason.

DS_BROKER_BIN="$BIN/dossier-broker"
DS_WORKER_BIN="$BIN/dossier-worker"
DS_WINDOW=256
# The trivial job runs with the worker setting that measured best for it: on 2 cores,
# in one session, --concurrency 2 went from 2,439-2,525 docs/s (--prefetch 1) to
# 6,900-7,200 (--prefetch 32, then K sockets per child).  Since --prefetch became MDP
# credit on one socket, larger windows cost less: interleaved runs on 2026-11-27 gave
# pipeline CPU/doc 158-177 us (--prefetch 32), 143-158 (64) and 139-149 (256), with
# fewer context switches per document the larger the window.  Children stay at nproc
# like the peers' workers.  Each child holds up to DS_PREFETCH documents (the credit
# it asks the broker for) and stores a batch with one script call.
# BENCH_DS_PREFETCH=1 measures one document at a time (the default of
# dossier-worker).  The full-analysis, scaling and journal runs keep the defaults.
DS_PREFETCH=${BENCH_DS_PREFETCH:-256}

ds_launch() { # CHILDREN ANALYSIS TAG [WORKER_FLAGS...]
  local children=$1 analysis=$2 tag=$3 i
  shift 3
  DS_JOURNAL="$TMP/journal-$tag"
  local epf="$TMP/endpoint-$tag"
  mkdir -p "$DS_JOURNAL"
  rm -f "$epf"
  bg_start "dossier-broker-$tag" "$DS_BROKER_BIN" --bind 'tcp://127.0.0.1:*' --journal "$DS_JOURNAL" \
    --endpoint-file "$epf"
  DS_BROKER_PID=$BG_PID
  for ((i = 0; i < 100; i++)); do [[ -s $epf ]] && break; sleep 0.05; done
  if [[ ! -s $epf ]]; then
    DS_WHY="dossier-broker wrote no endpoint file: $(tail -n 2 "$TMP/dossier-broker-$tag.log" | tr '\n\t' '  ' | cut -c1-240)"
    return 1
  fi
  DS_EP=$(head -n1 "$epf" | tr -d '[:space:]')
  bg_start "dossier-worker-$tag" "$DS_WORKER_BIN" --broker "$DS_EP" --redis "redis://127.0.0.1:$REDIS_PORT/0" \
    --concurrency "$children" --analysis "$analysis" "$@"
  DS_WORKER_PID=$BG_PID
  sleep 0.1
  if ! kill -0 "$DS_WORKER_PID" 2>/dev/null; then
    DS_WHY="dossier-worker exited: $(tail -n 2 "$TMP/dossier-worker-$tag.log" | tr '\n\t' '  ' | cut -c1-240)"
    return 1
  fi
  DS_ROOTS=$(join_pids "$REDIS_PID" "$DS_BROKER_PID" "$DS_WORKER_PID")
  cmdlog "dossier-$analysis${1:+ $*}" "$BIN/dossier-broker --bind 'tcp://127.0.0.1:*' --journal \$TMP/journal --endpoint-file \$F; $BIN/dossier-worker --broker \$EP --redis redis://127.0.0.1:\$REDIS_PORT/0 --concurrency N --analysis $analysis${1:+ $*}; ds_producer --window $DS_WINDOW (MDP DEALER, dossier.submit {id, text}, resend on busy)"
}

# Where Dossier's CPU goes: ticks of the broker, the worker (supervisor and children)
# and redis-server, sampled around a run; ds_split_fields turns two samples into
# "broker_us=... worker_us=... redis_us=..." per document.
ds_split_ticks() { echo "$(tree_ticks "$DS_BROKER_PID") $(tree_ticks "$DS_WORKER_PID") $(tree_ticks "$REDIS_PID")"; }
ds_split_fields() { # BEFORE N
  local -a a b
  read -ra a <<<"$1"
  read -ra b <<<"$(ds_split_ticks)"
  local us=$((1000000 / $(getconf CLK_TCK)))
  echo "broker_us=$(((b[0] - a[0]) * us / $2)) worker_us=$(((b[1] - a[1]) * us / $2)) redis_us=$(((b[2] - a[2]) * us / $2))"
}

ds_stop() { bg_stop "$DS_WORKER_PID" "$DS_BROKER_PID"; }

ds_produce() { # N PREFIX [EXTRA...]
  local n=$1 prefix=$2; shift 2
  "$OUT/ds_producer" --n "$n" --prefix "$prefix" "${COMMON[@]}" --redis-db 0 --pids "$DS_ROOTS" \
    --endpoint "$DS_EP" --window "$DS_WINDOW" --count-cmd "XLEN dossier:results" "$@"
}

ds_child_hwm_kb() { # the largest peak RSS among the worker's children
  local max=0 p v
  for p in $(pgrep -P "$DS_WORKER_PID" 2>/dev/null); do
    v=$(vm_hwm_kb "$p")
    ((v > max)) && max=$v
  done
  echo "$max"
}

# broker_kb: the broker's peak RSS (VmHWM, which counts the journal's mapped LMDB pages);
# broker_anon_kb: its heap now (RssAnon); child_kb: the largest worker child's peak RSS.
ds_memory_fields() { # CHILDREN
  echo "broker_kb=$(vm_hwm_kb "$DS_BROKER_PID") broker_anon_kb=$(rss_anon_kb "$DS_BROKER_PID") child_kb=$(ds_child_hwm_kb) children=$1"
}

ds_available() {
  [[ -x $DS_BROKER_BIN && -x $DS_WORKER_BIN ]] && return 0
  DS_WHY="$DS_BROKER_BIN or $DS_WORKER_BIN is not built (build with make BIN=...)"
  return 1
}

# ds_warm TAG: warm-up runs whose figures are dropped; sets DS_N, the jobs per run
# (calibrate).
ds_warm() {
  DS_N=$(calibrate "$TMP/dossier-producer.log" ds_produce) && [[ -n $DS_N ]]
}

# the trivial-job system "dossier", measured in the interleaved rounds
start_dossier() {
  log "dossier trivial job: dossier-worker --concurrency $WORKERS --prefetch $DS_PREFETCH (best measured; BENCH_DS_PREFETCH overrides)"
  if ! ds_available || ! ds_launch "$WORKERS" counts main --prefetch "$DS_PREFETCH"; then
    unavailable dossier "$DS_WHY"
    return 1
  fi
  PRODUCER[dossier]=ds_produce
}
stop_dossier() { ds_stop; }

# The same documents with the worker's near-duplicate marking off: every document of
# this bench is the same article, so with --dedup (the default) each one is compared
# with up to 512 x 4 SimHash band members in Redis, the worst case of that feature.
dossier_full_nodedup() {
  local r out f split0
  if ! ds_launch "$WORKERS" full full-nodedup --no-dedup || ! ds_warm full-nodedup; then
    record failed dossier-full-nodedup 1 "reason=${DS_WHY:-warm-up failed}"
    ds_stop
    return 0
  fi
  for ((r = 1; r <= RUNS; r++)); do
    split0=$(ds_split_ticks)
    out=$(ds_produce "$DS_N" "nodedup-r$r" 2>>"$TMP/dossier-producer.log") || true
    f=$(result_fields "$out")
    if [[ -n $f ]]; then
      record full dossier-nodedup "$r" "$f workers=$WORKERS $(accept_field "$out")"
      record split dossier-full-nodedup "$r" "$(ds_split_fields "$split0" "$DS_N")"
      log "full --no-dedup $r: $f"
    else record failed dossier-full-nodedup "$r" "output=$(tr '\n\t' '  ' <<<"$out" | cut -c1-200)"; fi
  done
  ds_stop
}

dossier_full_and_latency() {
  local r out f
  if ! ds_launch "$WORKERS" full full || ! ds_warm full; then
    unavailable dossier-full "${DS_WHY:-warm-up failed: $(tail -n 2 "$TMP/dossier-producer.log" | tr '\n' ' ')}"
    ds_stop
    return 0
  fi
  for ((r = 1; r <= RUNS; r++)); do
    local split0
    split0=$(ds_split_ticks)
    out=$(ds_produce "$DS_N" "full-r$r" 2>>"$TMP/dossier-producer.log") || true
    f=$(result_fields "$out")
    if [[ -n $f ]]; then
      record full dossier "$r" "$f workers=$WORKERS $(accept_field "$out")"
      record split dossier-full "$r" "$(ds_split_fields "$split0" "$DS_N")"
      log "full $r: $f"
    else record failed dossier-full "$r" "output=$(tr '\n\t' '  ' <<<"$out" | cut -c1-200)"; fi
  done
  record memory dossier-full 1 "$(ds_memory_fields "$WORKERS")"
  local max
  max=$("$PY" bench/report.py median --raw "$RAW" --section full --name dossier --key rate)
  if [[ -z $max || $max == 0 ]]; then ds_stop; return 0; fi
  local pct rate n dir
  for pct in 25 50 90; do
    rate=$("$PY" -c "print(round($max * $pct / 100, 1))")
    n=$("$PY" -c "print(max($LAT_MIN, int($rate * $LAT_MS / 1000)))")
    for ((r = 1; r <= RUNS; r++)); do
      dir="$TMP/lat-$pct-$r"
      mkdir -p "$dir"
      "$OUT/ds_watch" --redis-port "$REDIS_PORT" --prefix "lat$pct-r$r" --n "$n" --out "$dir/visible" \
        --ready "$dir/ready" --timeout "$TIMEOUT" 2>>"$TMP/ds-watch.log" &
      local watcher=$!
      PIDS+=("$watcher")
      while [[ ! -e $dir/ready ]] && kill -0 "$watcher" 2>/dev/null; do sleep 0.02; done
      ds_produce "$n" "lat$pct-r$r" --rate "$rate" --window 1000000 --no-wait --times-out "$dir/submit" \
        >"$dir/producer.out" 2>>"$TMP/dossier-producer.log" || true
      wait "$watcher" || true
      f=$("$PY" bench/report.py latency --submit "$dir/submit" --visible "$dir/visible" --n "$n" 2>>"$TMP/report.log") || f=""
      if [[ -n $f ]]; then record latency "$pct" "$r" "target_rate=$rate $f"; log "latency ${pct}% $r: $f"
      else record failed "latency-$pct" "$r" "no latency figures"; fi
    done
  done
  ds_stop
  dossier_full_nodedup
}

dossier_scaling() {
  local c analysis r out f
  for analysis in $SCALE_ANALYSES; do
    for c in $SCALE_CHILDREN; do
      # full analysis without the near-duplicate scan, which would make Redis the
      # bottleneck here (see dossier_full_nodedup) and hide how the children scale
      local flags=()
      [[ $analysis == full ]] && flags=(--no-dedup)
      if ! ds_launch "$c" "$analysis" "scale-$analysis-$c" "${flags[@]}" || ! ds_warm "scale-$analysis-$c"; then
        record failed "scale-$analysis" "$c" "reason=${DS_WHY:-warm-up failed}"
        ds_stop
        continue
      fi
      for ((r = 1; r <= RUNS; r++)); do
        out=$(ds_produce "$DS_N" "scale-$analysis-$c-r$r" 2>>"$TMP/dossier-producer.log") || true
        f=$(result_fields "$out")
        if [[ -n $f ]]; then record "scale-$analysis" "$c" "$r" "$f $(accept_field "$out")"; log "scaling $analysis $c children, run $r: $f"
        else record failed "scale-$analysis-$c" "$r" "output=$(tr '\n\t' '  ' <<<"$out" | cut -c1-200)"; fi
      done
      record memory "dossier-$analysis-c$c" 1 "$(ds_memory_fields "$c")"
      ds_stop
    done
  done
}

dossier_journal() {
  local out f before
  before=$(rcli XLEN dossier:results)
  if ! ds_launch "$WORKERS" counts journal || ! ds_warm journal; then
    record failed journal 1 "reason=${DS_WHY:-warm-up failed}"
    ds_stop
    return 0
  fi
  out=$(ds_produce "$N_JOURNAL" journal --timeout 900 2>>"$TMP/dossier-producer.log") || true
  f=$(result_fields "$out")
  local apparent allocated
  apparent=$(du -sb --apparent-size "$DS_JOURNAL" | cut -f1)
  allocated=$(du -s --block-size=1 "$DS_JOURNAL" | cut -f1)
  record journal dossier 1 "docs=$(($(rcli XLEN dossier:results) - before)) apparent_bytes=$apparent allocated_bytes=$allocated $(ds_memory_fields "$WORKERS") $f $(accept_field "$out")"
  ds_stop
}

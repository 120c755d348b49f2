# bench/lib.sh: helpers sourced by bench/run.sh: background processes that are always
# stopped, free ports from the kernel, Redis queries, and the raw results file.
#
# Raw results ($RAW) are one line per measurement, tab-separated:
#   section  name  run  key=value key=value ...
# bench/report.py turns them into bench/RESULTS.md.  Every process started with
# bg_start is remembered and stopped (TERM, then KILL) by bg_stop or at exit.

PIDS=()

log() { printf 'bench: %3ds %s\n' "$SECONDS" "$*" >&2; }

# free_port: a TCP port the kernel just handed out on 127.0.0.1 (bind to port 0).
free_port() {
  "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# bg_start NAME CMD...: starts CMD in the background with output in $TMP/NAME.log;
# sets BG_PID.
bg_start() {
  local name=$1; shift
  "$@" >>"$TMP/$name.log" 2>&1 &
  BG_PID=$!
  PIDS+=("$BG_PID")
}

# bg_stop PID...: TERM, wait up to 5 s (SIGTERM drains), then KILL.
bg_stop() {
  local p i
  for p in "$@"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "$@"; do
    for ((i = 0; i < 50; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
}

bg_stop_all() {
  local live=() p
  for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && live+=("$p"); done
  ((${#live[@]})) && bg_stop "${live[@]}"
  PIDS=()
}

# wait_port PORT [SECONDS]: until something accepts on 127.0.0.1:PORT.
wait_port() {
  local i
  for ((i = 0; i < ${2:-10} * 20; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

rcli() { redis-cli -p "$REDIS_PORT" "$@"; }

# record SECTION NAME RUN FIELDS...
record() {
  local section=$1 name=$2 run=$3; shift 3
  printf '%s\t%s\t%s\t%s\n' "$section" "$name" "$run" "$*" >>"$RAW"
}

# cmdlog NAME TEXT: the command lines shown in RESULTS.md (once per name).
cmdlog() {
  grep -q "^$1	" "$TMP/commands.tsv" 2>/dev/null || printf '%s\t%s\n' "$1" "$2" >>"$TMP/commands.tsv"
}

# result_fields OUTPUT: the key=value fields of a producer's "RESULT ok=1 ..." line.
result_fields() {
  sed -n 's/^RESULT ok=1 //p' <<<"$1" | head -n1
}

# accept_field OUTPUT: "accept_rate=R" from ds_producer's "ACCEPT secs=S rate=R" line:
# how fast the broker acknowledged (journalled and fsync'd) the documents.
accept_field() {
  sed -n 's/^ACCEPT .*rate=\([0-9.]*\).*/accept_rate=\1/p' <<<"$1" | head -n1
}

# rss_anon_kb PID: current anonymous (heap, not file-mapped) resident memory of PID in kB.
rss_anon_kb() {
  awk '/^RssAnon:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0
}

# vm_hwm_kb PID: peak resident set size of PID in kB (0 when gone).
vm_hwm_kb() {
  awk '/^VmHWM:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0
}

# tree_pids PID: PID and all its descendants, comma-separated.
tree_pids() {
  local out=$1 p kids
  kids=$(pgrep -P "$1" 2>/dev/null || true)
  for p in $kids; do out+=",$(tree_pids "$p")"; done
  echo "$out"
}

# calibrate LOG PRODUCER [ARGS...]: two warm-up runs of PRODUCER (called as PRODUCER
# ARGS... N PREFIX) whose figures are dropped: WARM_N jobs (which also waits for the
# workers to come up), then about 100 ms worth at the first one's rate; prints the jobs
# per run sized from the second (jobs_for); fails when either run fails.
calibrate() {
  local log=$1 out n
  shift
  out=$("$@" "$WARM_N" "warm1-$(date +%s%N)" 2>>"$log") || return 1
  n=$(RUN_MS=100 N_MIN=$WARM_N N_MAX=$((N_MAX / 4)) jobs_for "$out") || return 1
  out=$("$@" "$n" "warm2-$(date +%s%N)" 2>>"$log") || return 1
  jobs_for "$out"
}

# jobs_for OUTPUT: jobs per run for a system whose warm-up printed OUTPUT: its rate
# times RUN_MS, within N_MIN..N_MAX; fails when OUTPUT has no RESULT line.
jobs_for() {
  local rate n
  rate=$(sed -n 's/^RESULT ok=1 .* rate=\([0-9]*\).*/\1/p' <<<"$1" | head -n1)
  [[ -n $rate ]] || return 1
  n=$((rate * RUN_MS / 1000))
  ((n < N_MIN)) && n=$N_MIN
  ((n > N_MAX)) && n=$N_MAX
  echo "$n"
}

# tree_ticks PID: CPU clock ticks (utime+stime+cutime+cstime) of PID and its descendants.
tree_ticks() {
  local q t=0 v
  for q in $(tree_pids "$1" | tr , ' '); do
    v=$(awk '{s = substr($0, index($0, ") ") + 2); split(s, a, " "); print a[12] + a[13] + a[14] + a[15]}' \
      "/proc/$q/stat" 2>/dev/null) || v=0
    t=$((t + ${v:-0}))
  done
  echo "$t"
}

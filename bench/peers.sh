# bench/peers.sh: start, feed and stop each peer queue; sourced by bench/run.sh.
#
# For every system S: start_S starts its server (on a kernel-chosen port) and
# $WORKERS worker processes and fills ROOTS[S] (process-tree roots whose CPU is
# measured), PRODUCER[S] (a function: N PREFIX -> runs the producer, which prints
# its RESULT line); stop_S stops them.  run.sh sizes NJOBS[S] from a warm-up.
# Workers write into Redis db 1.

c_producer() { # BINARY ROOTS ENDPOINT N PREFIX [EXTRA...]
  local bin=$1 roots=$2 ep=$3 n=$4 prefix=$5; shift 5
  "$OUT/$bin" --n "$n" --prefix "$prefix" "${COMMON[@]}" --redis-db 1 --pids "$roots" --endpoint "$ep" "$@"
}

start_workers() { # NAME CMD... : $WORKERS copies; sets WORKER_PIDS
  local name=$1 i; shift
  WORKER_PIDS=()
  for ((i = 0; i < WORKERS; i++)); do bg_start "$name-worker" "$@"; WORKER_PIDS+=("$BG_PID"); done
}
join_pids() { local IFS=,; echo "$*"; }

# ---- ZeroMQ PUSH/PULL, no broker --------------------------------------------------
start_zmq() {
  local i port eps=()
  ZMQ_PIDS=()
  for ((i = 0; i < WORKERS; i++)); do
    port=$(free_port)
    bg_start zmq-worker "$OUT/zmq_worker" "tcp://127.0.0.1:$port" "$REDIS_PORT" 1
    ZMQ_PIDS+=("$BG_PID")
    eps+=("tcp://127.0.0.1:$port")
  done
  ZMQ_EP=$(join_pids "${eps[@]}")
  ROOTS[zmq]=$(join_pids "$REDIS_PID" "${ZMQ_PIDS[@]}")
  PRODUCER[zmq]=produce_zmq
  cmdlog zmq "$WORKERS x bench/c/zmq_worker tcp://127.0.0.1:\$PORT_i \$REDIS_PORT 1; zmq_producer --endpoint tcp://127.0.0.1:\$PORT_1,... (PUSH connects to every PULL)"
}
produce_zmq() { c_producer zmq_producer "${ROOTS[zmq]}" "$ZMQ_EP" "$@"; }
stop_zmq() { bg_stop "${ZMQ_PIDS[@]}"; }

# ---- beanstalkd ----------------------------------------------------------------------
start_beanstalk_common() { # NAME EXTRA_ARGS...
  local name=$1; shift
  command -v beanstalkd >/dev/null || { unavailable "$name" "beanstalkd is not installed"; return 1; }
  local port
  port=$(free_port)
  bg_start "$name" beanstalkd -l 127.0.0.1 -p "$port" -z 1048576 "$@"
  local server=$BG_PID
  wait_port "$port" || return 1
  start_workers "$name" "$OUT/bs_worker" "127.0.0.1:$port" "$REDIS_PORT" 1
  BS_PIDS[$name]="$server ${WORKER_PIDS[*]}"
  BS_EP[$name]="127.0.0.1:$port"
  ROOTS[$name]=$(join_pids "$REDIS_PID" "$server" "${WORKER_PIDS[@]}")
}
declare -A BS_PIDS BS_EP
start_beanstalkd() {
  start_beanstalk_common beanstalkd || return 1
  PRODUCER[beanstalkd]=produce_beanstalkd
  cmdlog beanstalkd "beanstalkd -l 127.0.0.1 -p \$PORT -z 1048576 (no binlog: jobs live in memory only); $WORKERS x bs_worker; bs_producer --window 64 (pipelined puts)"
}
produce_beanstalkd() { c_producer bs_producer "${ROOTS[beanstalkd]}" "${BS_EP[beanstalkd]}" "$@"; }
stop_beanstalkd() { bg_stop ${BS_PIDS[beanstalkd]}; }

start_beanstalkd-fsync() {
  mkdir -p "$TMP/binlog"
  start_beanstalk_common beanstalkd-fsync -b "$TMP/binlog" -f 0 || return 1
  PRODUCER[beanstalkd-fsync]=produce_beanstalkd_fsync
  cmdlog beanstalkd-fsync "beanstalkd -l 127.0.0.1 -p \$PORT -z 1048576 -b \$TMP/binlog -f 0 (binlog, fsync on every write); $WORKERS x bs_worker; bs_producer --window 64"
}
produce_beanstalkd_fsync() { c_producer bs_producer "${ROOTS[beanstalkd-fsync]}" "${BS_EP[beanstalkd-fsync]}" "$@"; }
stop_beanstalkd-fsync() { bg_stop ${BS_PIDS[beanstalkd-fsync]}; }

# ---- Gearman ----------------------------------------------------------------------------
start_gearman() {
  command -v gearmand >/dev/null || { unavailable gearman "gearman-job-server is not installed"; return 1; }
  local port
  port=$(free_port)
  bg_start gearman gearmand --listen=127.0.0.1 --port="$port" --log-file="$TMP/gearmand.log" \
    --pid-file="$TMP/gearmand.pid" --verbose=ERROR
  local server=$BG_PID
  wait_port "$port" || return 1
  start_workers gearman "$OUT/gm_worker" "127.0.0.1:$port" "$REDIS_PORT" 1
  GM_PIDS="$server ${WORKER_PIDS[*]}"
  GM_EP="127.0.0.1:$port"
  ROOTS[gearman]=$(join_pids "$REDIS_PID" "$server" "${WORKER_PIDS[@]}")
  PRODUCER[gearman]=produce_gearman
  cmdlog gearman "gearmand --listen=127.0.0.1 --port=\$PORT (builtin in-memory queue, 4 I/O threads); $WORKERS x gm_worker; gm_producer --window 64 (background jobs, 64 per run_tasks)"
}
produce_gearman() { c_producer gm_producer "${ROOTS[gearman]}" "$GM_EP" "$@"; }
stop_gearman() { bg_stop $GM_PIDS; }

# ---- Celery ---------------------------------------------------------------------------
start_celery() {
  "$PY" -c 'import celery' 2>/dev/null || { unavailable celery "python3-celery is not installed"; return 1; }
  bg_start celery env PYTHONPATH="$ROOT/bench/py" BENCH_REDIS_PORT="$REDIS_PORT" "$PY" -m celery \
    -A bench_tasks worker --pool prefork --concurrency "$WORKERS" --loglevel WARNING \
    --without-gossip --without-mingle --without-heartbeat
  CELERY_PID=$BG_PID
  ROOTS[celery]=$(join_pids "$REDIS_PID" "$CELERY_PID")
  PRODUCER[celery]=produce_celery
  cmdlog celery "celery -A bench/py/bench_tasks worker --pool prefork --concurrency $WORKERS --without-gossip --without-mingle --without-heartbeat (broker redis db 0, result backend redis db 2); producer: wc.delay(id, text) x N"
}
py_producer() { # PEER N PREFIX SYSTEM [QUEUE]
  "$PY" bench/py/py_producer.py "$1" --n "$2" --prefix "$3" --article "$ARTICLE" \
    --redis-port "$REDIS_PORT" --pids "${ROOTS[$4]}" --timeout "$TIMEOUT" --queue "${5:-bench}"
}
produce_celery() { py_producer celery "$1" "$2" celery; }
stop_celery() { bg_stop "$CELERY_PID"; }

# ---- RQ ---------------------------------------------------------------------------------
start_rq_common() { # NAME WORKER_CLASS QUEUE
  "$PY" -c 'import rq' 2>/dev/null || { unavailable "$1" "python3-rq is not installed"; return 1; }
  start_workers "$1" env PYTHONPATH="$ROOT/bench/py" BENCH_REDIS_PORT="$REDIS_PORT" "$PY" /usr/bin/rq worker \
    --url "redis://127.0.0.1:$REDIS_PORT/0" --worker-class "$2" --logging_level WARNING \
    --disable-job-desc-logging "$3"
  RQ_PIDS[$1]="${WORKER_PIDS[*]}"
  ROOTS[$1]=$(join_pids "$REDIS_PID" "${WORKER_PIDS[@]}")
}
declare -A RQ_PIDS
start_rq() {
  start_rq_common rq rq.worker.Worker bench || return 1
  PRODUCER[rq]=produce_rq
  cmdlog rq "$WORKERS x rq worker --worker-class rq.worker.Worker (the default: forks a work horse per job) bench; producer: Queue('bench').enqueue(f, id, text) x N"
}
produce_rq() { py_producer rq "$1" "$2" rq; }
stop_rq() { bg_stop ${RQ_PIDS[rq]}; }

start_rq-simple() {
  start_rq_common rq-simple rq.worker.SimpleWorker bench-simple || return 1
  PRODUCER[rq-simple]=produce_rq_simple
  cmdlog rq-simple "$WORKERS x rq worker --worker-class rq.worker.SimpleWorker (no fork per job) bench-simple; same producer"
}
produce_rq_simple() { py_producer rq "$1" "$2" rq-simple bench-simple; }
stop_rq-simple() { bg_stop ${RQ_PIDS[rq-simple]}; }

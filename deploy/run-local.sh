#!/usr/bin/env bash
# make run: a local Dossier stack in .run/ -- redis-server on a unix socket, the broker
# on a free TCP port, one worker with two children -- then submits examples/docs/,
# waits for the results, prints a summary of each, and keeps the stack up until Ctrl-C
# (RUN_ONCE=1 stops right after printing).  Everything it started is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-bin}
RUN=$PWD/.run
rm -rf "$RUN"; mkdir -p "$RUN/journal"
pids=()
cleanup() {
  echo; echo "stopping the local stack"
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

redis-server --port 0 --unixsocket "$RUN/redis.sock" --save "" --appendonly no \
  --dir "$RUN" --logfile "$RUN/redis.log" &
pids+=($!)
REDIS="unix://$RUN/redis.sock"
for _ in $(seq 100); do [ -S "$RUN/redis.sock" ] && break; sleep 0.05; done

"$BIN/dossier-broker" --bind 'tcp://127.0.0.1:*' --journal "$RUN/journal" \
  --endpoint-file "$RUN/broker.endpoint" 2>"$RUN/broker.log" &
pids+=($!)
for _ in $(seq 100); do [ -s "$RUN/broker.endpoint" ] && break; sleep 0.05; done
BROKER=$(cat "$RUN/broker.endpoint")

"$BIN/dossier-worker" --broker "$BROKER" --redis "$REDIS" --concurrency 2 2>"$RUN/worker.log" &
pids+=($!)

echo "redis:  $REDIS"
echo "broker: $BROKER   (journal $RUN/journal)"
echo "logs:   $RUN/*.log"
echo
export DOSSIER_BROKER=$BROKER DOSSIER_REDIS=$REDIS
docs=(examples/docs/*.txt)
"$BIN/dossier" submit "${docs[@]}" ../shared/samples/us-iran-relations-2007.txt 2>/dev/null \
  || "$BIN/dossier" submit "${docs[@]}"
n=$(redis-cli -s "$RUN/redis.sock" XLEN dossier:results)
for _ in $(seq 200); do
  n=$(redis-cli -s "$RUN/redis.sock" XLEN dossier:results)
  [ "$n" -ge "${#docs[@]}" ] && break; sleep 0.1
done
echo; echo "results in Redis ($n documents):"
for id in $(redis-cli -s "$RUN/redis.sock" --raw XRANGE dossier:results - + | awk 'prev=="id"{print} {prev=$0}'); do
  "$BIN/dossier" get "$id" | /usr/bin/python3 deploy/show-result.py
done
echo
echo "Try: $BIN/dossier get ID | less    $BIN/dossier search --country IR    $BIN/dossier stats"
echo "(with DOSSIER_BROKER=$BROKER DOSSIER_REDIS=$REDIS)"
if [ "${RUN_ONCE:-0}" = 1 ]; then exit 0; fi
echo "The stack keeps running; press Ctrl-C to stop it."
wait

#!/usr/bin/env bash
# Proves the architecture from the built artifacts (STYLE.md "Layout shows the architecture"):
#   the engine (libdsengine.a) references no ZeroMQ, hiredis or msgpack symbol;
#   the broker binary links no hiredis and references no redis symbol;
#   lib/ (libds.a) references nothing from zmq, czmq, hiredis, msgpack, LMDB.
set -u
BUILD=${1:-build}
BIN=${2:-bin}
fail=0
check_undef() { # archive, regex of forbidden symbol prefixes, label
  local hits
  hits=$(nm -u "$1" 2>/dev/null | awk '{print $NF}' | grep -E "$2" | sort -u | head -n 5)
  if [ -n "$hits" ]; then
    echo "layering: $3 references forbidden symbols:"; echo "$hits" | sed 's/^/  /'; fail=1
  else
    echo "layering: $3 ok"
  fi
}
check_undef "$BUILD/libdsengine.a" '^(zmq_|zsock_|zmsg_|zframe_|redis|msgpack_)' "engine (no zmq, hiredis, msgpack)"
check_undef "$BUILD/libds.a" '^(zmq_|zsock_|zmsg_|redis|msgpack_|mdb_)' "lib (libc only)"
check_undef "$BUILD/libbroker.a" '^(redis|freeReplyObject)' "broker library (no hiredis)"
check_undef "$BUILD/broker/main.o" '^(redis|freeReplyObject)' "broker main (no hiredis)"
if ldd "$BIN/dossier-broker" 2>/dev/null | grep -q hiredis; then
  echo "layering: dossier-broker links libhiredis"; fail=1
else
  echo "layering: dossier-broker links no hiredis"
fi
if [ "$fail" -ne 0 ]; then echo "check-layering: FAILED"; exit 1; fi
echo "check-layering: ok"

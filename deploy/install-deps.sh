#!/usr/bin/env bash
# Installs every Debian 12 package Dossier needs to build, test, fuzz and run.
# Idempotent: packages already present are left alone; safe to run repeatedly.
set -euo pipefail

PKGS=(
  build-essential pkg-config clang libclang-rt-14-dev llvm
  libzmq3-dev libczmq-dev libmsgpack-dev libhiredis-dev check
  redis-server redis-tools liblmdb-dev lmdb-utils libutf8proc-dev libstemmer-dev
  libexttextcat-dev libexttextcat-data libxml2-dev nettle-dev libjansson-dev
  clang-format cppcheck
  python3 python3-zmq python3-msgpack python3-redis python3-jsonschema
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#PKGS[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts redis-server as a service on install; Dossier's tests and `make run`
# start their own on private sockets, so the system one is not needed.
echo "install-deps: done"

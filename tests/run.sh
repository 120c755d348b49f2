#!/usr/bin/env bash
# Runs every Check suite given on the command line, prints Check's own output (its
# summary lines included) and ends with one line "N passed, N failed" (checks summed
# over all suites; a suite that crashes or prints no summary counts as one failure).
set -u
passed=0
failed=0
bad_suites=()
for t in "$@"; do
  name=$(basename "$t")
  echo "== $name"
  # a suite that hangs is killed (SUITE_TIMEOUT seconds) and counted as failed
  out=$(CK_DEFAULT_TIMEOUT=${CK_DEFAULT_TIMEOUT:-60} timeout -k 10 "${SUITE_TIMEOUT:-900}" "$t" 2>&1 </dev/null)
  rc=$?
  printf '%s\n' "$out" | grep -v '^ *$' | grep -E -v ':P:' | tail -n 60
  summary=$(printf '%s\n' "$out" | grep -E '^[0-9]+%: Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' | tail -n 1)
  if [ -z "$summary" ]; then
    echo "!! $name printed no Check summary (exit $rc)"
    failed=$((failed + 1)); bad_suites+=("$name"); continue
  fi
  checks=$(sed -E 's/.*Checks: ([0-9]+).*/\1/' <<<"$summary")
  fails=$(sed -E 's/.*Failures: ([0-9]+).*/\1/' <<<"$summary")
  errs=$(sed -E 's/.*Errors: ([0-9]+).*/\1/' <<<"$summary")
  bad=$((fails + errs))
  passed=$((passed + checks - bad))
  failed=$((failed + bad))
  if [ "$bad" -ne 0 ] || [ "$rc" -ne 0 ]; then
    bad_suites+=("$name")
    [ "$bad" -eq 0 ] && failed=$((failed + 1))
  fi
done
echo
if ((${#bad_suites[@]})); then echo "failing suites: ${bad_suites[*]}"; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

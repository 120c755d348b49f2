#!/usr/bin/env bash
# make lint: clang-format (check only) and cppcheck over the project's C sources.
set -u
files=$(git ls-files '*.c' '*.h' 2>/dev/null || find lib proto broker worker client tests tools -name '*.[ch]')
rc=0
if command -v clang-format >/dev/null; then
  bad=$(for f in $files; do clang-format --dry-run "$f" 2>&1 | grep -q warning && echo "$f"; done)
  if [ -n "$bad" ]; then echo "clang-format would change:"; echo "$bad" | sed 's/^/  /'; rc=1; fi
fi
if command -v cppcheck >/dev/null; then
  cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,portability \
    --suppress=missingIncludeSystem -Ilib -Iproto -Iworker/engine $files || rc=1
fi
[ "$rc" -eq 0 ] && echo "lint: ok"
exit $rc

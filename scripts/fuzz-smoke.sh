#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/fuzz_*.cpp) with clang, AddressSanitizer
# and UBSan into build-fuzz/, then runs each one for N seconds (default 30, or
# $FUZZ_SECONDS) on its seed corpus tests/fuzz/corpus/<name>/, with the
# dictionary tests/fuzz/<name>.dict when there is one. Exits non-zero when any
# target finds a crash, a sanitizer report, a leak or a timeout; the input that
# triggered it is left in <build>/findings/<name>/ (turn it into a regression
# test). New interesting inputs go to <build>/corpus/<name>/, never into the
# repository.
#   scripts/fuzz-smoke.sh [SECONDS] [TARGET...]     e.g. scripts/fuzz-smoke.sh 600 settings
# With FUZZ_BUILD_DIR set, that already configured build (clang, -DMVT_FUZZ=ON)
# is used instead of build-fuzz/: scripts/test.sh's sanitizer stage runs the
# smoke from its own build that way.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-${FUZZ_SECONDS:-30}}"
shift || true

build="${FUZZ_BUILD_DIR:-}"
if [ -z "$build" ]; then
  build=build-fuzz
  scripts/install-deps.sh --fuzz
  cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DMVT_FUZZ=ON -DMVT_BUILD_TESTS=OFF >/dev/null
fi
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  for src in tests/fuzz/fuzz_*.cpp; do
    name="$(basename "$src" .cpp)"
    targets+=("${name#fuzz_}")
  done
fi
ninja -C "$build" "${targets[@]/#/fuzz_}"

status=0
for t in "${targets[@]}"; do
  work="$build/corpus/$t"
  findings="$build/findings/$t"
  mkdir -p "$work" "$findings" "tests/fuzz/corpus/$t"
  dict=()
  [ -f "tests/fuzz/$t.dict" ] && dict=(-dict="tests/fuzz/$t.dict")
  echo "== fuzz_$t: ${seconds}s"
  if ! ASAN_OPTIONS="detect_leaks=1:${ASAN_OPTIONS:-}" UBSAN_OPTIONS="print_stacktrace=1:${UBSAN_OPTIONS:-}" \
       "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 "${dict[@]}" \
       -artifact_prefix="$findings/" "$work" "tests/fuzz/corpus/$t" 2>"$build/fuzz_$t.log"; then
    echo "fuzz_$t: FINDING (see $build/fuzz_$t.log and $findings/)" >&2
    tail -40 "$build/fuzz_$t.log" >&2
    status=1
  else
    grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "$build/fuzz_$t.log" | sed "s/^/  /"
  fi
done
exit "$status"

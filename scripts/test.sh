#!/usr/bin/env bash
# Sets up and runs every test: the release build's unit and end-to-end tests,
# then the same suite built with AddressSanitizer and UBSan, then a short run
# of every libFuzzer target from that same build. Exits non-zero on any failure.
#
# The sanitizer stage is one clang build (build-sanitize/) with ASan, UBSan and
# libFuzzer's coverage instrumentation everywhere (-DMVT_SANITIZE=ON
# -DMVT_FUZZ=ON): it runs the whole ctest suite and links the fuzz targets, so
# the fuzz smoke costs no third build. FUZZ_SECONDS (default 20) is each
# target's run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --fuzz
jobs="$(nproc)"

scripts/build.sh build
(cd build && ctest --output-on-failure -j "$jobs")

scripts/build.sh build-sanitize -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug -DMVT_SANITIZE=ON -DMVT_FUZZ=ON
(cd build-sanitize && ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 \
   ctest --output-on-failure -j "$jobs")
FUZZ_BUILD_DIR=build-sanitize scripts/fuzz-smoke.sh "${FUZZ_SECONDS:-20}"

#!/usr/bin/env bash
# Run a command; then print its wall-clock time and the CPU time the whole machine spent
# meanwhile (user + nice + system + irq, from /proc/stat), which counts every process it
# started: forked kernels and Chromium's renderers too, which `time` misses.
# Usage: scripts/timed.sh make test
set -uo pipefail
busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat; }
hz=$(getconf CLK_TCK)
b0=$(busy); t0=$(date +%s.%N)
"$@"; status=$?
t1=$(date +%s.%N); b1=$(busy)
awk -v t0="$t0" -v t1="$t1" -v c="$(( b1 - b0 ))" -v hz="$hz" -v n="$(nproc)" \
  'BEGIN { w = t1 - t0; printf "timed: %.1f s wall, %.1f s of CPU (machine busy %.0f %% of %d cores)\n", w, c / hz, 100 * c / hz / (w * n), n }' >&2
exit $status

#!/usr/bin/env bash
# The one command behind BENCHMARKS.md: builds in release, runs the criterion mapping benches
# and the end-to-end scenarios (schema pull, bulk export against fast-bitrix24 and naive
# paging, bulk update, generation and compilation), then writes BENCHMARKS.md at the root.
# Everything talks to 127.0.0.1 only; every scenario has a wall-clock cap.
#
# Usage: bench/run.sh            full run (about 25 minutes on 2 cores)
#        BENCH_QUICK=1 bench/run.sh   a small trial (5,000 deals, no latency matrix, no compile)
# Env: BENCH_VENV (default target/bench-venv), FAST_BITRIX24_VERSION (default 1.8.14),
# CARGO_TARGET_DIR (honoured, results go to $CARGO_TARGET_DIR/bench).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
target=${CARGO_TARGET_DIR:-"$root/target"}
venv=${BENCH_VENV:-"$target/bench-venv"}
version=${FAST_BITRIX24_VERSION:-1.8.14}
started=$(date +%s)

echo "== venv with fast-bitrix24 $version"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check "fast-bitrix24==$version"

echo "== release build"
cargo build --release --locked -p bitrix-bench --bin bitrix-bench
cargo bench --locked -p bitrix-bench --bench mapping --no-run

echo "== mapping (criterion)"
cargo bench --locked -p bitrix-bench --bench mapping -- --warm-up-time 1 --measurement-time 4

echo "== end-to-end scenarios"
if [ "${BENCH_QUICK:-}" = 1 ]; then
    scale=(--deals 5000 --latency-ms 0 --cap-naive 10 --updates 1000 --update-deals 2000
           --generate-fields 500 --command-line "BENCH_QUICK=1 bench/run.sh")
else
    scale=(--compile --command-line "bench/run.sh")
fi
# No proxy may route anything elsewhere; the fast-bitrix24 script also refuses other hosts.
env -u http_proxy -u https_proxy -u HTTP_PROXY -u HTTPS_PROXY -u ALL_PROXY -u all_proxy \
    NO_PROXY='*' "$target/release/bitrix-bench" run --python "$venv/bin/python" "${scale[@]}" \
    --out "$target/bench/results.json"

"$target/release/bitrix-bench" report --results "$target/bench/results.json" \
    --criterion "$target/criterion" --notes bench/NOTES.md --out BENCHMARKS.md
echo "== BENCHMARKS.md written in $(( $(date +%s) - started )) s (builds included)"

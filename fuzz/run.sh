#!/bin/sh
# Runs each fuzz target for SECONDS (default 600) with a nightly toolchain and cargo-fuzz
# (`cargo install cargo-fuzz`), niced, one job each; prints libFuzzer's final statistics.
# Usage: fuzz/run.sh [SECONDS] [TARGET...]     e.g. fuzz/run.sh 3600 html
set -eu
cd "$(dirname "$0")/.."
secs="${1:-600}"
[ $# -gt 0 ] && shift
targets="${*:-html layout jsonl}"
mkdir -p fuzz/corpus fuzz/artifacts
for t in $targets; do
    mkdir -p "fuzz/corpus/$t"
    echo "== $t: ${secs}s"
    nice -n 10 cargo +nightly fuzz run "$t" "fuzz/corpus/$t" -- \
        -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 2>&1 | grep -E "stat::number_of_executed_units|stat::peak_rss_mb|Done|ERROR|panicked|SUMMARY" || true
done

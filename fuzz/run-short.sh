#!/usr/bin/env bash
# Short, time-boxed fuzz run of every target, for CI. Runs only when cargo-fuzz is already
# installed (nothing is installed here); exits 0 with a message otherwise.
#
#   fuzz/run-short.sh            # 60 s per target
#   FUZZ_SECONDS=300 fuzz/run-short.sh
#
# Stable toolchain: no sanitizer (`-s none`), so no -Z flag and no nightly is needed.
# A crash exits non-zero; the input is left in fuzz/artifacts/<target>/.
set -euo pipefail

cd "$(dirname "$0")"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "cargo-fuzz not installed, skipping"
    exit 0
fi

seconds="${FUZZ_SECONDS:-60}"
targets=(analyzer query)

cargo fuzz build -s none

for target in "${targets[@]}"; do
    # Queries longer than QueryLimits::max_query_bytes (2,048) are refused before any work.
    max_len=4096
    if [ "$target" = query ]; then max_len=2100; fi
    # New inputs go to work/<target> (git-ignored); the committed seeds are only read.
    mkdir -p "work/$target"
    echo "fuzzing $target for ${seconds}s"
    log="work/$target.log"
    if cargo fuzz run -s none "$target" "work/$target" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout=2 -rss_limit_mb=2048 -max_len="$max_len" \
        -print_final_stats=1 >"$log" 2>&1; then
        grep -E "^#[0-9]+ +DONE|^stat::number_of_executed_units|^stat::average_exec_per_sec" "$log" || true
    else
        tail -n 60 "$log"
        echo "fuzz: $target failed; the input is in fuzz/artifacts/$target/"
        exit 1
    fi
done
echo "fuzz: all targets ran ${seconds}s without a crash"

#!/usr/bin/env bash
# Runs the cargo-fuzz targets in fuzz/ (libFuzzer) for a given time each.
#
#   scripts/fuzz.sh [--time SECONDS] [--runs N] [TARGET...]
#
# Default: every target, 60 s each; --runs N stops each target after N executions instead
# (issue 20 asks for 10,000,000 per target: `scripts/fuzz.sh --runs 10000000`). Works on the stable toolchain with no sanitizer:
# with `cargo fuzz` installed it runs `cargo fuzz run --sanitizer none`; without it, it
# builds the targets with the flags cargo-fuzz passes (SanitizerCoverage, `--cfg
# fuzzing`, debug assertions) and runs the binaries directly. Runs under `nice -n 19`.
# The corpus lives in fuzz/corpus/<target> (small seeds are committed); crashes land in
# fuzz/artifacts/<target>. Prints each target's executions and exits 1 on a crash.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds=60
runs=""
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        --time) seconds="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done
cd "$here/fuzz"
if [ ${#targets[@]} -eq 0 ]; then
    targets=($(sed -n 's/^name = "\(.*\)"$/\1/p' Cargo.toml | grep -v '^backlog-fuzz$'))
fi

if cargo fuzz --help >/dev/null 2>&1; then
    build() { nice -n 19 cargo fuzz build --sanitizer none --release "$@"; }
    bin_dir="target/$(rustc -vV | sed -n 's/^host: //p')/release"
else
    export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
    # With an explicit --target (as cargo-fuzz does), RUSTFLAGS reach only the fuzz
    # targets, not build scripts and proc macros, which would not link without libFuzzer.
    host="$(rustc -vV | sed -n 's/^host: //p')"
    build() { nice -n 19 cargo build --release --bins --target "$host"; }
    bin_dir="target/$host/release"
fi
build

status=0
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t"
    log="artifacts/$t/last-run.log"
    set +e
    if [ -n "$runs" ]; then limit=(-runs="$runs"); else limit=(-max_total_time="$seconds"); fi
    started=$(date +%s)
    nice -n 19 "$bin_dir/$t" "${limit[@]}" -print_final_stats=1 \
        -artifact_prefix="artifacts/$t/" -rss_limit_mb=2048 -max_len=65536 "corpus/$t" >"$log" 2>&1
    rc=$?
    set -e
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    printf '%-16s %12s executions in %ss  %s\n' "$t" "${execs:-?}" "$(($(date +%s) - started))" \
        "$([ $rc = 0 ] && echo ok || echo "CRASH (see $log)")"
    [ $rc = 0 ] || status=1
done
exit $status

#!/usr/bin/env bash
# Benchmark `backlog forecast` (and `burnup`) on a generated backlog.
#
#   scripts/bench-forecast.sh [ITEMS] [WORK]     (default 1350 items: about 1,000 open)
#
# BENCH_NO_BUILD=1 reuses the binaries already copied to WORK/bin.
# Generates ITEMS items with examples/gen_backlog.rs (25% done with a `sprint`, 75% open),
# then times, with /usr/bin/time, the median of 5 runs after one warm-up:
#   forecast --sprints 100            every open item in a 100-sprint horizon, 10,000 trials
#   forecast --by 2030-01-01 --format json
#   forecast --trials 100000          ten times the default trials
#   burnup
# The whole process is timed: reading every item file and the output are included.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
items="${1:-1350}"
work="${2:-${TMPDIR:-/tmp}/backlog-bench-forecast}"
target="${CARGO_TARGET_DIR:-$here/target}"
[[ -n "${BENCH_NO_BUILD:-}" ]] || (cd "$here" && cargo build --release --quiet --bin backlog --example gen_backlog)
mkdir -p "$work/bin"
[[ -n "${BENCH_NO_BUILD:-}" ]] || cp "$target/release/backlog" "$target/release/examples/gen_backlog" "$work/bin/"
bin="$work/bin/backlog"
repo="$work/repo-$items"
if [[ ! -d "$repo/.git" ]]; then
    rm -rf "$repo"
    "$work/bin/gen_backlog" --items "$items" --out "$repo" >/dev/null
fi
export BACKLOG_TODAY=2026-12-02
open=$("$bin" -C "$repo" forecast --sprints 100 --format json \
    | python3 -c 'import json,sys; f=json.load(sys.stdin); print(f["open_items"], f["sprints_simulated"], len(f["throughput"]["sprints"]))')
read -r open_items sprints samples <<<"$open"
echo "$items items: $open_items open, $samples throughput samples, $sprints sprints simulated"

measure() {
    local label="$1"; shift
    "$bin" -C "$repo" "$@" >/dev/null 2>&1 || true
    local times=() cpus=()
    local rss=0
    for _ in 1 2 3 4 5; do
        /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" "$bin" -C "$repo" "$@" >/dev/null 2>&1 || true
        local wall user sys m
        read -r wall user sys m < <(tail -1 "$work/time.txt")
        times+=("$wall")
        cpus+=("$(python3 -c "print(f'{$user + $sys:.2f}')")")
        (( m > rss )) && rss=$m
    done
    local sorted
    sorted=$(printf '%s\n' "${times[@]}" | sort -n)
    printf '| `%s` | %s s | %s–%s s | %s s | %s MB |\n' "$label" "$(sed -n 3p <<<"$sorted")" \
        "$(head -1 <<<"$sorted")" "$(tail -1 <<<"$sorted")" \
        "$(printf '%s\n' "${cpus[@]}" | sort -n | sed -n 3p)" "$((rss / 1024))"
}

echo
echo "| command | median wall | range | median CPU (user+sys) | peak RSS |"
echo "|---|---|---|---|---|"
measure "forecast --sprints 100" forecast --sprints 100
measure "forecast --by 2030-01-01 --format json" forecast --by 2030-01-01 --format json
measure "forecast --trials 100000" forecast --trials 100000
measure "burnup" burnup

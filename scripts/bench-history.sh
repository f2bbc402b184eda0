#!/usr/bin/env bash
# Benchmark (not a test): the history commands on a long generated history, each paired
# with its git CLI equivalent. Builds (once) a repository with scripts/gen-history.py and
# `git fast-import`: by default 100,000 commits over five years, 10,000 items, 70% of the
# commits code-only, renames and deletions, and a branch `feature` forked 5,000 commits
# before main's tip. Then runs each pair in turn (A B A B …), RUNS times after one warm-up,
# and prints the median wall time, CPU time (user + system) and peak RSS of each command
# and the median of the per-pair CPU-time ratios (on a shared, loaded machine CPU time is
# the steadier figure; wall time is shown too).
#
#   scripts/bench-history.sh                         # 100,000 commits, 10,000 items
#   COMMITS=20000 ITEMS=1000 scripts/bench-history.sh
#   BIN=/path/to/backlog RUNS=5 scripts/bench-history.sh
#   REPO=/tmp/hist/B scripts/bench-history.sh        # reuse (or build) this repository
#
# Building the 100,000-commit repository takes 10 to 60 minutes (fast-import deltifies the
# 700 KB backlog tree 30,000 times); it is kept in $REPO for later runs.
set -euo pipefail
COMMITS=${COMMITS:-100000}
ITEMS=${ITEMS:-10000}
RUNS=${RUNS:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
REPO=${REPO:-${TMPDIR:-/tmp}/backlog-history-$COMMITS}
if [ -z "${BIN:-}" ]; then
    (cd "$ROOT" && cargo build --release --quiet)
    BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/backlog
fi

if [ ! -f "$REPO/.git/probes.json" ]; then
    rm -rf "$REPO"
    git init -q -b main "$REPO"
    echo "generating $COMMITS commits, $ITEMS items in $REPO ..." >&2
    start=$(date +%s)
    python3 "$ROOT/scripts/gen-history.py" --commits "$COMMITS" --items "$ITEMS" \
        --feature-behind $((COMMITS / 20)) --probes "$REPO/.git/probes.json.tmp" \
        | git -C "$REPO" fast-import --quiet
    # Commits first in one pack, and a commit-graph, as `git gc` leaves a repository.
    git -C "$REPO" repack -adq
    git -C "$REPO" commit-graph write --reachable
    git -C "$REPO" reset -q --hard main
    git -C "$REPO" worktree add -q "$REPO.feature" feature
    git -C "$REPO" config user.name bench
    git -C "$REPO" config user.email bench@example.com
    mv "$REPO/.git/probes.json.tmp" "$REPO/.git/probes.json"
    echo "generated in $(($(date +%s) - start)) s" >&2
fi
probe() { python3 -c "import json,sys; p=json.load(open('$REPO/.git/probes.json')); print(p$1)"; }
HOT=$(probe "['hot']['id']"); HOT_PATH=$(probe "['hot']['path']")
COLD=$(probe "['cold']['id']"); COLD_PATH=$(probe "['cold']['path']")
YOUNG=$(probe "['young']['id']"); YOUNG_PATH=$(probe "['young']['path']")
STALE_DAYS=30

# One timed run: prints "wall_seconds cpu_seconds peak_kb".
timed() {
    local dir=$1
    shift
    (cd "$dir" && /usr/bin/time -f "%e %U %S %M" -o /tmp/bench-history.time "$@" >/dev/null 2>&1) || true
    tail -1 /tmp/bench-history.time | awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }'
}

# pair NAME DIR -- OURS... -- GIT...
pair() {
    local name=$1 dir=$2
    shift 3
    local ours=() git=()
    while [ "$1" != "--" ]; do ours+=("$1"); shift; done
    shift
    git=("$@")
    timed "$dir" "${ours[@]}" >/dev/null
    timed "$dir" "${git[@]}" >/dev/null
    local rows=()
    for _ in $(seq "$RUNS"); do
        rows+=("$(timed "$dir" "${ours[@]}") $(timed "$dir" "${git[@]}")")
    done
    printf '%s\n' "${rows[@]}" | python3 -c "
import statistics, sys
rows = [list(map(float, l.split())) for l in sys.stdin if l.strip()]
med = lambda i: statistics.median(r[i] for r in rows)
ratio = statistics.median(r[1] / r[4] if r[4] else float('inf') for r in rows)
print(f'| {sys.argv[1]} | {med(0):.3f} s | {med(1):.2f} s | {med(2)/1024:.0f} MB '
      f'| {sys.argv[2]} | {med(3):.3f} s | {med(4):.2f} s | {med(5)/1024:.0f} MB | {ratio:.2f}x |')
" "$name" "${git[*]}"
}

echo "repository: $REPO ($(git -C "$REPO" rev-list --count main) commits on main," \
    "$(git -C "$REPO" ls-files backlog | wc -l) item files); binary: $BIN; $RUNS pairs, medians"
echo
echo "| command | wall | CPU | peak | git equivalent | wall | CPU | peak | CPU ratio |"
echo "|---|---:|---:|---:|---|---:|---:|---:|---:|"
pair "log HOT (20 commits, 2 renames)" "$REPO" -- "$BIN" log "$HOT" -- git log --follow --oneline -- "$HOT_PATH"
pair "log COLD (root commit only)" "$REPO" -- "$BIN" log "$COLD" -- git log --follow --oneline -- "$COLD_PATH"
pair "log YOUNG (newest item)" "$REPO" -- "$BIN" log "$YOUNG" -- git log --follow --oneline -- "$YOUNG_PATH"
pair "health --format json" "$REPO" -- "$BIN" health --format json -- \
    git log --since="$STALE_DAYS days ago" --format=%ct --name-only -- backlog/
pair "diff main...feature --format json" "$REPO" -- "$BIN" diff main...feature --format json -- \
    git diff --stat main...feature -- backlog/
# The same without the order-key cache (.git/backlog-cache): the first diff with rank moves.
pair "diff main...feature, cold cache" "$REPO" -- sh -c "rm -rf .git/backlog-cache && exec $BIN diff main...feature --format json" -- \
    git diff --stat main...feature -- backlog/
pair "check --changed-since main (on feature)" "$REPO.feature" -- "$BIN" check --changed-since main -- \
    git diff --name-only main...HEAD -- backlog/
echo
echo "floors: full walks git needs to date every item"
pair "health --format json" "$REPO" -- "$BIN" health --format json -- \
    git log --format=%ct --name-only -- backlog/
echo
(cd "$REPO.feature" && { "$BIN" check --changed-since main || true; } | tail -1)
echo "git: $(git -C "$REPO.feature" diff --name-only main...HEAD -- backlog/ | wc -l) files changed on feature since the merge base"

#!/bin/sh
# Benchmark `backlog dupes` on a generated backlog (default 10,000 items, ~800 B each, one
# planted near-duplicate pair). Usage: scripts/bench-dupes.sh [N] [DIR]
set -eu
N=${1:-10000}
DIR=${2:-$(mktemp -d)}
cargo build --release --quiet --example bench_dupes --bin backlog
TARGET=${CARGO_TARGET_DIR:-target}
rm -rf "$DIR/backlog"
"$TARGET/release/examples/bench_dupes" "$DIR" "$N"
echo "--- backlog dupes (best of 3, wall clock)"
for i in 1 2 3; do
  /usr/bin/time -f "%e s, %M KB max RSS" "$TARGET/release/backlog" -C "$DIR" dupes --quiet >/dev/null
done
"$TARGET/release/backlog" -C "$DIR" dupes | head -2

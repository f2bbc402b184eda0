#!/bin/sh
# Benchmark `backlog import backlog-md` of N generated Backlog.md tasks (default 10,000,
# ~1 KB each) into a fresh git repository, including the one commit.
# Usage: scripts/bench-import.sh [N]
set -eu
N=${1:-10000}
# BIN=path/to/backlog measures that binary instead of building the release one.
if [ -z "${BIN:-}" ]; then
  [ "${SKIP_BUILD:-}" = 1 ] || cargo build --release --quiet --bin backlog
  BIN=$(pwd)/${CARGO_TARGET_DIR:-target}/release/backlog
fi
SRC=$(mktemp -d)
python3 scripts/gen_backlog_md.py "$SRC" "$N"
echo "--- $N Backlog.md tasks, $(du -sk "$SRC/backlog" | cut -f1) KB"
for i in 1 2 3; do
  REPO=$(mktemp -d)
  git -C "$REPO" init -q -b main
  git -C "$REPO" -c user.name=bench -c user.email=bench@example.com commit -q --allow-empty -m seed
  mkdir "$REPO/backlog"
  echo "--- run $i: backlog import backlog-md (wall clock, includes the commit)"
  GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com \
  GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com \
    /usr/bin/time -f "%e s wall, %U s user, %S s sys, %M KB max RSS" "$BIN" -C "$REPO" import backlog-md "$SRC" --quiet >/dev/null
  git -C "$REPO" log --oneline -1 | cut -c1-100
  git -C "$REPO" fsck --strict --no-progress 2>&1 | grep -v '^dangling' | head -3
  rm -rf "$REPO"
done
rm -rf "$SRC"

#!/usr/bin/env bash
# Benchmark (not a test): `backlog diff HEAD~1..HEAD` on a generated 10,000-item backlog
# (~1 KB items) in which a second commit changed 20 items: estimates, statuses, a checked
# criterion, title edits, a dependency and two rank moves (rank moves make `diff` read the
# rank keys of the unchanged items, so this is the slow path). Prints the median of 5 runs
# of the release build, for loose objects and again after `git gc`. Goal: under 0.5 s.
# Also times `backlog log` of a rank-moved item.
#
#   scripts/bench-diff.sh            # N=10000
#   N=100000 scripts/bench-diff.sh
#   KEEP=1 scripts/bench-diff.sh     # keep the generated repository
set -euo pipefail
N=${N:-10000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
cargo build --release --quiet
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/backlog
WORK=$(mktemp -d)
if [ -n "${KEEP:-}" ]; then echo "repository kept in $WORK/repo"; else trap 'rm -rf "$WORK"' EXIT; fi
REPO=$WORK/repo
git init -q -b main "$REPO"
cd "$REPO"
git config user.name bench
git config user.email bench@example.com
mkdir backlog

python3 - "$N" <<'PY'
import sys
n = int(sys.argv[1])
D = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
def rank(i):
    # Valid fractional-index integer keys: a0..az, then b00..bzz, then c000..
    for head, width in (("a", 1), ("b", 2), ("c", 3), ("d", 4)):
        if i < 62 ** width:
            s = ""
            for _ in range(width):
                s = D[i % 62] + s
                i //= 62
            return head + s
        i -= 62 ** width
    raise ValueError("too many items")
filler = ("The team discussed this in refinement and agreed on the scope below. "
          "Edge cases and non-functional requirements are listed as criteria. ") * 4
for i in range(n):
    iid = f"B-{i:05d}"
    deps = f"depends_on: [B-{i-1:05d}]\n" if i % 10 == 0 and i else ""
    text = (f"---\nid: {iid}\ntitle: Generated backlog item number {i}\ntype: story\n"
            f"status: {'ready' if i % 3 else 'draft'}\nrank: {rank(i)}\nestimate: {[1,2,3,5,8][i % 5]}\n"
            f"value: {i % 13}\nlabels: [area-{i % 7}, web]\nowner: dev{i % 5}\n{deps}created: 2026-01-01\n---\n"
            f"As a user, I want feature {i} so that my work gets easier.\n\n{filler}\n\n"
            "## Acceptance criteria\n- [ ] Given a user, when they act, then it works.\n"
            "- [ ] Errors are shown clearly.\n- [ ] It is documented.\n")
    with open(f"backlog/{iid}-generated-backlog-item-number-{i}.md", "w") as f:
        f.write(text)
PY
git add -A
git commit -qm "Seed $N items"

python3 - "$N" <<'PY'
import sys, re
n = int(sys.argv[1])
def path(i):
    return f"backlog/B-{i:05d}-generated-backlog-item-number-{i}.md"
def edit(i, f):
    p = path(i)
    s = open(p).read()
    t = f(s)
    assert t != s, p
    open(p, "w").write(t)
step = n // 20
picked = [k * step + 7 for k in range(20)]
for j, i in enumerate(picked):
    if j < 8:
        edit(i, lambda s: re.sub(r"estimate: \d+", "estimate: 13", s))
    elif j < 12:
        edit(i, lambda s: s.replace("status: ready", "status: in-progress").replace("status: draft", "status: ready"))
    elif j < 15:
        edit(i, lambda s: s.replace("- [ ] Errors are shown clearly.", "- [x] Errors are shown clearly."))
    elif j < 17:
        edit(i, lambda s: s.replace("title: Generated", "title: Refined"))
    elif j < 18:
        edit(i, lambda s: s.replace("owner:", "depends_on: [B-00001]\nowner:"))
    else:
        # Rank moves: to the top, and to the middle.
        new = "Zz" if j == 18 else "b0V"
        edit(i, lambda s, new=new: re.sub(r"rank: \w+", f"rank: {new}", s))
PY
git commit -qam "Refine 20 items"

# The first rank-moved item (its `log` entry needs the whole order of two trees).
MOVED=$(printf 'B-%05d' $((18 * (N / 20) + 7)))

measure() {
    python3 - "$BIN" "$MOVED" <<'PY'
import json, subprocess, sys, time
def median(args, count):
    times = []
    for _ in range(5):
        t = time.perf_counter()
        out = subprocess.run([sys.argv[1], *args, "--format", "json"],
                             check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    times.sort()
    n = count(json.loads(out.stdout))
    return f"median {times[2]:.3f} s (min {times[0]:.3f}, max {times[4]:.3f}); {n}"
print("  diff HEAD~1..HEAD:", median(["diff", "HEAD~1..HEAD"], lambda d: f"{len(d['items'])} items reported"))
print(f"  log {sys.argv[2]}:   ", median(["log", sys.argv[2]], lambda d: f"{len(d['entries'])} entries"))
PY
}
echo "$N items, 20 changed in the last commit (loose objects):"
measure
git gc -q
echo "same, after git gc (packed):"
measure

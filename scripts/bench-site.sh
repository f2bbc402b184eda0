#!/usr/bin/env bash
# Benchmark (not a test): `backlog site` on a generated backlog with a refinement history.
#
#   scripts/bench-site.sh                  # 10,000 items, 1,000 refinement commits
#   N=1000 COMMITS=200 scripts/bench-site.sh
#   KEEP=1 scripts/bench-site.sh           # keep the generated repository
#
# The repository comes from examples/gen_backlog.rs (~1 KB items, one commit), then
# COMMITS more commits are added with `git fast-import`, each touching 1-3 items the way
# refinement does: an estimate changed, a status moved on, a criterion checked, and every
# fifth commit two items swap ranks (a rank move makes the history read the whole order
# before and after). Prints the median wall time of 5 runs of the release build (after one
# warm-up), the largest peak RSS, the number of files and the site's size. Goal (issue
# 17): 10,000 items, history included, in under 3 s.
set -euo pipefail
N=${N:-10000}
COMMITS=${COMMITS:-1000}
RUNS=${RUNS:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
[ -n "${NO_BUILD:-}" ] || cargo build --release --quiet --bin backlog --example gen_backlog
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=$TARGET/release/backlog
WORK=$(mktemp -d)
if [ -n "${KEEP:-}" ]; then echo "repository kept in $WORK/repo"; else trap 'rm -rf "$WORK"' EXIT; fi
REPO=$WORK/repo
"$TARGET/release/examples/gen_backlog" --items "$N" --out "$REPO" >/dev/null
cd "$REPO"

python3 - "$COMMITS" <<'PY' | git fast-import --quiet --force
import os, random, re, sys
commits = int(sys.argv[1])
rng = random.Random(17)
files = sorted(os.path.join("backlog", f) for f in os.listdir("backlog") if f.endswith(".md") and f != "README.md")
text = {f: open(f, encoding="utf-8").read() for f in files}
scale = ["1", "2", "3", "5", "8"]
statuses = ["draft", "ready", "in-progress", "done"]
out = sys.stdout.buffer
def data(b):
    out.write(b"data %d\n" % len(b))
    out.write(b)
    out.write(b"\n")
t = 1764000000
for c in range(commits):
    t += 3600
    changed = []
    if c % 5 == 4:
        a, b = rng.sample(files, 2)
        ra = re.search(r"^rank: (.*)$", text[a], re.M)
        rb = re.search(r"^rank: (.*)$", text[b], re.M)
        if ra and rb:
            text[a] = text[a].replace(ra.group(0), "rank: " + rb.group(1), 1)
            text[b] = text[b].replace(rb.group(0), "rank: " + ra.group(1), 1)
            changed += [a, b]
        msg = "backlog: rank %s: swapped with %s\n" % (a, b)
    else:
        for f in rng.sample(files, rng.randint(1, 3)):
            kind = rng.randrange(3)
            if kind == 0:
                text[f] = re.sub(r"^estimate: .*$", "estimate: " + rng.choice(scale), text[f], count=1, flags=re.M)
            elif kind == 1:
                text[f] = re.sub(r"^status: .*$", "status: " + rng.choice(statuses), text[f], count=1, flags=re.M)
            else:
                text[f] = text[f].replace("- [ ] ", "- [x] ", 1)
            changed.append(f)
        msg = "Refinement %d\n" % c
    out.write(b"commit refs/heads/main\n")
    out.write(("committer Bench <bench@example.com> %d +0000\n" % t).encode())
    data(msg.encode())
    if c == 0:
        out.write(b"from refs/heads/main^0\n")
    for f in changed:
        out.write(("M 100644 inline %s\n" % f).encode())
        data(text[f].encode("utf-8"))
PY
git reset -q --hard main
echo "repository: $N items, $(git rev-list --count HEAD) commits"

times=()
cpus=()
rss_max=0
# Each run writes a new folder, all deleted at the end: deleting a site and writing the
# next one in its place makes ext4 spend seconds in its inode allocator skipping the
# inodes just freed, which is the benchmark's doing, not the tool's (a CI job writes
# into a fresh checkout).
for i in $(seq 0 "$RUNS"); do
    out="$WORK/site-$i"
    start=$(date +%s%N)
    /usr/bin/time -f "%M %U %S" -o "$WORK/rss" "$BIN" -q site "$out" >/dev/null
    end=$(date +%s%N)
    read -r rss user sys < "$WORK/rss"
    [ "$rss" -gt "$rss_max" ] && rss_max=$rss
    if [ "$i" -gt 0 ]; then
        times+=($(( (end - start) / 1000000 )))
        cpus+=("$(echo "$user + $sys" | bc)")
    fi
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
median=${sorted[$(( ${#sorted[@]} / 2 ))]}
echo "backlog site: median ${median} ms of ${#times[@]} runs (min ${sorted[0]} ms, max ${sorted[-1]} ms), peak RSS $(( rss_max / 1024 )) MB"
cpu_sorted=($(printf '%s\n' "${cpus[@]}" | sort -n))
echo "CPU time (user + system, all threads): median ${cpu_sorted[$(( ${#cpu_sorted[@]} / 2 ))]} s; on a busy machine the wall time is bounded by this, on an idle 2-core machine it is about half of it"
site="$WORK/site-$RUNS"
echo "site: $(find "$site" -type f | wc -l) files, $(du -sh "$site" | cut -f1); index.html $(du -h "$site/index.html" | cut -f1), data/index.js $(du -h "$site/data/index.js" | cut -f1), graph.html $(du -h "$site/graph.html" | cut -f1), matrix.html $(du -h "$site/matrix.html" | cut -f1)"
for i in $(seq 0 "$RUNS"); do rm -rf "$WORK/site-$i"; done

#!/usr/bin/env bash
# Time and memory of every command on the hostile inputs of the reliability report
# (issue 20: each must finish in under 2 s and 300 MB on the 2-core machine).
#
#   scripts/hostile-bench.sh [--bin PATH] [--max-seconds 2] [--max-mb 300] [--work DIR]
#
# HOSTILE_CASES="case ..." runs only those cases (the names are in the script).
# Builds the release binary unless --bin is given. For each case a fresh repository gets
# five normal items, one commit, then the hostile file(s), committed; every command runs
# once under /usr/bin/time -v (wall clock and peak RSS) and `timeout 20`. Prints one line
# per case and command, then the maxima; exits 1 when a run is over a bound, timed out or
# panicked.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin=""
max_seconds=2
max_mb=300
work="${TMPDIR:-/tmp}/backlog-hostile"
while [ $# -gt 0 ]; do
    case "$1" in
        --bin) bin="$(realpath "$2")"; shift 2 ;;
        --max-seconds) max_seconds="$2"; shift 2 ;;
        --max-mb) max_mb="$2"; shift 2 ;;
        --work) work="$2"; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
if [ -z "$bin" ]; then
    (cd "$here" && cargo build --release --quiet)
    bin="$here/target/release/backlog"
fi
[ -x /usr/bin/time ] || { echo "needs GNU time (/usr/bin/time)" >&2; exit 2; }

rm -rf "$work" && mkdir -p "$work"
export GIT_AUTHOR_NAME=T GIT_AUTHOR_EMAIL=t@e GIT_COMMITTER_NAME=T GIT_COMMITTER_EMAIL=t@e NO_COLOR=1

# Writes the hostile files of case $1 into the current repository.
plant() {
    python3 - "$1" <<'EOF'
import sys
case = sys.argv[1]
def item(name, text):
    open("backlog/" + name, "w").write(text)
if case == "item-string-amplification":
    s = "A" * 100_000
    item("B-AMP-x.md", "---\nid: B-AMP\ntitle: amp\nx-pad: &x \"%s\"\nlabels: [%s]\n---\nbody\n"
         % (s, ", ".join(["*x"] * 20_000)))
elif case == "item-1mb-string-700k-aliases":
    s = "A" * 1_000_000
    item("B-AMP-x.md", "---\nid: B-AMP\ntitle: amp\nx-pad: &x \"%s\"\nlabels: [%s]\n---\nbody\n"
         % (s, ",".join(["*x"] * 700_000)))
elif case == "config-string-amplification":
    s = "S" * 100_000
    open("backlog/config.yml", "w").write(
        "statuses: [draft, ready, in-progress, done, &x \"%s\", %s]\n" % (s, ", ".join(["*x"] * 20_000)))
elif case == "criteria-100k":
    item("B-ACS-x.md", "---\nid: B-ACS\ntitle: a\nstatus: ready\nestimate: 3\n---\n"
         "As a user I want x so that y.\n\n## Acceptance criteria\n" + "- [ ] c\n" * 100_000)
elif case == "criteria-520k":
    item("B-ACS-x.md", "---\nid: B-ACS\ntitle: a\n---\n## Acceptance criteria\n" + "- [ ] c\n" * 520_000)
elif case == "billion-laughs-padded":
    t = "---\nid: B-BOMB\ntitle: bomb\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    prev = "a"
    for n in "bcdefghi":
        t += "%s: &%s [%s]\n" % (n, n, ", ".join(["*" + prev] * 9))
        prev = n
    t += "pad: [%s]\n---\n" % ",".join(["0"] * 1_000_000)
    item("B-BOMB-x.md", t)
elif case == "deep-nesting":
    item("B-DEEP-x.md", "---\nid: B-DEEP\ntitle: deep\nx: %s%s\n---\n%s\n%s\n"
         % ("[" * 10_000, "]" * 10_000, ">" * 10_000, "- " * 10_000))
elif case == "huge-file":
    with open("backlog/B-HUGE-x.md", "w") as f:
        f.write("---\nid: B-HUGE\ntitle: huge\n---\n")
        f.truncate(100 * 1024 * 1024)
elif case == "depends-on-100k-missing":
    item("B-DEPS-x.md", "---\nid: B-DEPS\ntitle: deps\ndepends_on: [%s]\n---\nbody\n"
         % ", ".join("B-M%05d" % i for i in range(100_000)))
elif case == "long-lines":
    item("B-LONG-x.md", "---\nid: B-LONG\ntitle: %s\n---\n%s\n" % ("t" * 1_000_000, "w " * 1_500_000))
else:
    raise SystemExit("unknown case " + case)
EOF
}

cases="${HOSTILE_CASES:-item-string-amplification item-1mb-string-700k-aliases config-string-amplification
criteria-100k criteria-520k billion-laughs-padded deep-nesting huge-file
depends-on-100k-missing long-lines}"

worst_s=0
worst_kb=0
failures=0
printf '%-32s %-34s %5s %8s %8s\n' case command exit seconds "peak MB"
for case in $cases; do
    repo="$work/$case"
    mkdir -p "$repo" && cd "$repo"
    git init -q && "$bin" init -q
    for i in 1 2 3 4 5; do "$bin" add "Normal item $i" --estimate 3 -q >/dev/null; done
    good=$("$bin" list --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
    plant "$case"
    git add -A && git commit -qm "hostile: $case"
    hostile=$(ls backlog | grep -v -e '^config.yml$' -e '^templates$' | { grep -v -i "normal" || true; } | head -1 | cut -d- -f1-2)
    [ -n "$hostile" ] || hostile="$good"
    while IFS= read -r cmd; do
        [ -n "$cmd" ] || continue
        cmd="${cmd//GOOD/$good}"
        cmd="${cmd//HOSTILE/$hostile}"
        # shellcheck disable=SC2086
        set +e
        /usr/bin/time -f '%e %M' -o "$work/time.txt" timeout 20 "$bin" $cmd >/dev/null 2>"$work/stderr.txt"
        code=$?
        set -e
        read -r secs kb < <(tail -1 "$work/time.txt")
        mb=$((kb / 1024))
        flag=""
        if [ "$code" = 124 ] || grep -q panicked "$work/stderr.txt" \
            || awk -v s="$secs" -v m="$max_seconds" 'BEGIN { exit !(s > m) }' \
            || [ "$mb" -gt "$max_mb" ]; then
            flag="  <-- over"
            failures=$((failures + 1))
        fi
        awk -v s="$secs" -v w="$worst_s" 'BEGIN { exit !(s > w) }' && worst_s="$secs"
        [ "$kb" -gt "$worst_kb" ] && worst_kb="$kb"
        printf '%-32s %-34s %5s %8s %8s%s\n' "$case" "${cmd:0:34}" "$code" "$secs" "$mb" "$flag"
    done <<'COMMANDS'
check
check --format json
check --format github
list
list --format json
board
board --format markdown
graph --format mermaid
graph --format dot
agenda --format markdown
plan
health
dupes
matrix
velocity
rank --by wsjf --dry-run
diff HEAD~1..HEAD
log HOSTILE
show HOSTILE
show HOSTILE --format json
fmt --check
set HOSTILE value=3
estimate GOOD 5
COMMANDS
    cd "$work"
done
echo
echo "max wall ${worst_s} s, max peak RSS $((worst_kb / 1024)) MB; runs over ${max_seconds} s / ${max_mb} MB, timed out or panicked: $failures"
[ "$failures" = 0 ]

#!/usr/bin/env bash
# Benchmark (not a test): `backlog check` over N generated items (default 10,000, about
# 1 KB each, in a temporary git repository), against merely reading the same files with
# `find backlog -name '*.md' | xargs cat > /dev/null`. Prints the median of 5 runs of
# each and their ratio; the goal (DESIGN.md section 5) is at most 3x.
#
#   scripts/bench-check.sh [N]        (BENCH_KEEP=1 keeps the generated repository)
#
# Uses $CARGO_TARGET_DIR if set. Needs python3 and git.
set -euo pipefail

N="${1:-10000}"
RUNS=5
repo_root="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo_root/target}"

work="$(mktemp -d)"
# BENCH_KEEP=1 keeps the generated repository for profiling (its path is printed).
if [ "${BENCH_KEEP:-}" = 1 ]; then echo "keeping $work/repo"; else trap 'rm -rf "$work"' EXIT; fi

cargo build --release --quiet --manifest-path "$repo_root/Cargo.toml"
# Copy the binary at once: a shared target folder may be rebuilt by someone else meanwhile.
cp "$target/release/backlog" "$work/backlog-bin"
bin="$work/backlog-bin"
"$bin" check --help >/dev/null || { echo "the built binary has no check command" >&2; exit 2; }
mkdir "$work/repo" && cd "$work/repo"
git init -q
git config user.name bench
git config user.email bench@example.com

python3 - "$N" <<'PY'
import os, random, sys

n = int(sys.argv[1])
random.seed(42)
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

def ident(i):
    s = ""
    for _ in range(5):
        s = CROCKFORD[i % 32] + s
        i //= 32
    return "B-" + s

def rank(i):
    # a0..az (62 keys), then b00..bzz (3,844), then c000.. (238,328): valid, ascending.
    for head, width in (("a", 1), ("b", 2), ("c", 3), ("d", 4)):
        size = 62 ** width
        if i < size:
            digits = ""
            for _ in range(width):
                digits = DIGITS[i % 62] + digits
                i //= 62
            return head + digits
        i -= size
    raise ValueError("too many items")

WORDS = ("expense receipt approval report export import sync budget team member card "
         "currency invoice policy limit category mobile web dashboard audit notification "
         "reminder travel mileage vendor payment").split()
ROLES = ["team member", "manager", "finance lead", "admin", "auditor"]

def words(k):
    return " ".join(random.choice(WORDS) for _ in range(k))

os.makedirs("backlog")
with open("backlog/config.yml", "w") as f:
    f.write("id_prefix: B\n")
for i in range(n):
    iid = ident(i)
    status = random.choices(["draft", "ready", "in-progress", "done"], [55, 25, 5, 15])[0]
    title = words(5).capitalize()
    lines = ["---", f"id: {iid}", f"title: {title}", "type: story", f"status: {status}",
             f"rank: {rank(i)}"]
    if status != "draft" or random.random() < 0.5:
        lines.append(f"estimate: {random.choice([1, 2, 3, 5, 8])}")
    lines.append(f"value: {random.choice([1, 2, 3, 5, 8, 13])}")
    lines.append(f"labels: [{random.choice(WORDS)}, {random.choice(WORDS)}]")
    lines.append(f"owner: {random.choice(['dana', 'lee', 'sam', 'priya'])}")
    if i > 10 and random.random() < 0.3:
        lines.append(f"depends_on: [{ident(random.randrange(0, i))}]")
    lines.append(f"created: 2026-{random.randint(1, 11):02d}-{random.randint(1, 28):02d}")
    lines.append("---")
    role = random.choice(ROLES)
    lines.append(f"As a {role}, I want to {words(8)} so that I can {words(8)}.")
    lines.append("")
    lines.append("## Acceptance criteria")
    for _ in range(random.randint(3, 5)):
        lines.append(f"- [ ] Given {words(4)}, when I {words(4)}, then {words(6)}.")
    lines.append("")
    lines.append("## Notes")
    lines.append(words(40))
    lines.append("")
    slug = "-".join(title.lower().split()[:4])
    with open(f"backlog/{iid}-{slug}.md", "w") as f:
        f.write("\n".join(lines))
PY
git add -A && git commit -q -m "generated backlog"

files=$(find backlog -name '*.md' | wc -l)
bytes=$(find backlog -name '*.md' -print0 | xargs -0 cat | wc -c)
echo "items: $files, total $bytes bytes ($((bytes / files)) bytes/item)"

# Median wall time in seconds of running "$@" $RUNS times (after one warm-up run).
median() {
  "$@" >/dev/null 2>&1 || true
  local times=()
  for _ in $(seq "$RUNS"); do
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s.%N)
    times+=("$(awk "BEGIN{print $end - $start}")")
  done
  printf '%s\n' "${times[@]}" | sort -g | sed -n "$(( (RUNS + 1) / 2 ))p"
}

read_files() { find backlog -name '*.md' | xargs cat > /dev/null; }

t_read=$(median read_files)
t_check=$(median "$bin" check)
"$bin" check --format json | python3 -c 'import json,sys; s=json.load(sys.stdin)["summary"]; print("check summary:", s)' || true
printf 'read files (find | xargs cat): %.3f s (median of %d)\n' "$t_read" "$RUNS"
printf 'backlog check:                 %.3f s (median of %d)\n' "$t_check" "$RUNS"
printf 'ratio: %.2fx (goal <= 3x)\n' "$(awk "BEGIN{print $t_check / $t_read}")"
if [ -x /usr/bin/time ]; then
  /usr/bin/time -f 'backlog check peak memory: %M KB' "$bin" check >/dev/null 2>"$work/mem" || true
  tail -1 "$work/mem"
fi

#!/usr/bin/env bash
# Whole-process benchmarks of `backlog` against the read floor and the git CLI floor.
#
#   scripts/bench.sh [--full] [--sizes "1000 10000"] [--runs N] [--work DIR] [--regen]
#                    [--out FILE] [--bin PATH]
#
# Builds the release binary and the generator, generates one repository per size with
# `examples/gen_backlog.rs` (reused on later runs: it is reset to the generated commit
# first), and measures each command: one warm-up run, then the median of N runs (default
# 5) of wall time, and the largest peak RSS. Commands that are not built yet
# (`backlog <cmd> --help` fails) are reported as "n/a (not built)".
#
# Floors, on the same data:
#   read   = find backlog -name '*.md' -print0 | xargs -0 cat > /dev/null
#   names  = ls -f backlog > /dev/null  (listing the folder; what finding a file by name costs)
#   commit = git add FILE && git commit -q -m x   (the same one-line change as `estimate`)
# --bin PATH measures that backlog binary instead of building one (to compare builds).
#
# Default sizes are 1k and 10k items; --full adds 100k (generating it takes a few minutes).
# Prints a markdown table on stdout (and to --out FILE). Needs git, python3 and cargo.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sizes="1000 10000"
runs=5
work="${TMPDIR:-/tmp}/backlog-bench"
regen=0
out=""
seed=1
prebuilt=""

while [[ $# -gt 0 ]]; do
    case "$1" in
        --full) sizes="1000 10000 100000" ;;
        --sizes) sizes="$2"; shift ;;
        --runs) runs="$2"; shift ;;
        --work) work="$2"; shift ;;
        --regen) regen=1 ;;
        --out) out="$2"; shift ;;
        --seed) seed="$2"; shift ;;
        --bin) prebuilt="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift ;;
        -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

if [[ "$runs" -lt 1 ]]; then
    echo "--runs must be at least 1" >&2
    exit 2
fi

target="${CARGO_TARGET_DIR:-$here/target}"
echo "building release binary and generator..." >&2
(cd "$here" && cargo build --release --quiet --bin backlog --example gen_backlog)
# Copy them at once: with a target directory shared between checkouts, another build
# could replace target/release/backlog while the benchmark runs.
mkdir -p "$work/bin"
cp "$target/release/backlog" "$target/release/examples/gen_backlog" "$work/bin/"
bin="${prebuilt:-$work/bin/backlog}"
gen="$work/bin/gen_backlog"

for n in $sizes; do
    repo="$work/bl$n-s$seed"
    if [[ $regen -eq 1 || ! -d "$repo/.git" ]] || ! git -C "$repo" rev-parse -q --verify bench-gen >/dev/null; then
        echo "generating $n items in $repo..." >&2
        rm -rf "$repo"
        "$gen" --items "$n" --out "$repo" --seed "$seed"
        git -C "$repo" tag bench-gen
    fi
done

BACKLOG_BIN="$bin" BENCH_WORK="$work" BENCH_SIZES="$sizes" BENCH_RUNS="$runs" \
BENCH_SEED="$seed" BENCH_OUT="$out" python3 - <<'PY'
import os, re, statistics, subprocess, sys, tempfile, time

BIN = os.environ["BACKLOG_BIN"]
WORK = os.environ["BENCH_WORK"]
SIZES = [int(s) for s in os.environ["BENCH_SIZES"].split()]
RUNS = int(os.environ["BENCH_RUNS"])
SEED = os.environ["BENCH_SEED"]
OUT = os.environ["BENCH_OUT"]
SCALE = [1, 2, 3, 5, 8, 13, 20]
DEVNULL = subprocess.DEVNULL


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True,
                          text=True).stdout


def built(cmd):
    """Whether `backlog <cmd>` exists in this build."""
    r = subprocess.run([BIN, cmd, "--help"], stdout=DEVNULL, stderr=DEVNULL)
    return r.returncode == 0


def run_once(argv, cwd, ok_codes):
    """Runs argv; returns (seconds, peak RSS in KiB). Raises on an unexpected exit code.

    Peak RSS comes from /usr/bin/time: the kernel charges a child the high-water mark of
    the image it was forked from, so measuring straight from python would report python's
    own size for small commands. /usr/bin/time is a small image (about 2 MB)."""
    with tempfile.NamedTemporaryFile() as err, tempfile.NamedTemporaryFile("r") as rss:
        start = time.perf_counter()
        code = subprocess.call(["/usr/bin/time", "-f", "%M", "-o", rss.name, *argv],
                               cwd=cwd, stdin=DEVNULL, stdout=DEVNULL, stderr=err)
        elapsed = time.perf_counter() - start
        if code not in ok_codes:
            err.seek(0)
            raise RuntimeError(f"{' '.join(argv)} exited {code}: "
                               f"{err.read().decode(errors='replace')[-2000:]}")
        peak = int(rss.read().split()[-1])
    return elapsed, peak


def measure(argv, cwd, ok_codes=(0,), prep=None):
    """One warm-up run, then RUNS timed runs; prep(i) runs untimed before each run."""
    times, rss = [], []
    for i in range(RUNS + 1):
        if prep:
            prep(i)
        t, m = run_once(argv, cwd, ok_codes)
        if i > 0:
            times.append(t)
            rss.append(m)
    return {"median": statistics.median(times), "min": min(times), "max": max(times),
            "rss": max(rss)}


def estimate_line(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"^estimate: (\d+)$", text, re.M)
    return text, (int(m.group(1)) if m else None)


def other_value(current, i):
    """A scale value different from `current`, alternating with i."""
    choices = [v for v in (3, 5, 8) if v != current]
    return choices[i % len(choices)]


results = {}   # (size, name) -> dict or str
available = {c: built(c) for c in ["list", "check", "show", "estimate", "rank", "dupes", "diff"]}
rank_by = available["rank"] and subprocess.run(
    [BIN, "rank", "--help"], capture_output=True, text=True).stdout.find("--by") >= 0
available["rank"] = rank_by

for n in SIZES:
    repo = os.path.join(WORK, f"bl{n}-s{SEED}")
    log(f"== {n} items: {repo}")
    git(repo, "reset", "--hard", "-q", "bench-gen")
    for tag in ("bench-diff-base", "bench-diff-top"):
        subprocess.run(["git", "-C", repo, "tag", "-d", tag], stdout=DEVNULL, stderr=DEVNULL)
    files = sorted(f for f in os.listdir(os.path.join(repo, "backlog"))
                   if f.endswith(".md") and f != "README.md")
    target_file = files[len(files) // 2]
    target_id = "-".join(target_file.split("-")[:2])
    target_path = os.path.join(repo, "backlog", target_file)
    rel_path = f"backlog/{target_file}"

    def put(key, argv, **kw):
        log(f"  {key}...")
        try:
            results[(n, key)] = measure(argv, repo, **kw)
        except RuntimeError as e:
            # A command that exists but fails (an unexpected exit code, or arguments this
            # script guessed wrong) is reported in the table; the other rows still run.
            log(f"    FAILED: {e}")
            results[(n, key)] = None

    put("floor-read", ["sh", "-c", "find backlog -name '*.md' -print0 | xargs -0 cat > /dev/null"])
    put("floor-names", ["sh", "-c", "ls -f backlog > /dev/null"])

    # 20 refinement commits (one estimate each) for `diff` to summarise.
    git(repo, "tag", "bench-diff-base")
    step = max(1, len(files) // 20)
    for k in range(20):
        f = files[(k * step + 1) % len(files)]
        _, cur = estimate_line(os.path.join(repo, "backlog", f))
        subprocess.run([BIN, "-q", "estimate", "-".join(f.split("-")[:2]),
                        str(other_value(cur, k))], cwd=repo, check=True)
    git(repo, "tag", "bench-diff-top")

    if available["list"]:
        put("list --format json", [BIN, "list", "--format", "json"])
    if available["check"]:
        put("check", [BIN, "check"], ok_codes=(0, 1))
    if available["show"]:
        put("show ID", [BIN, "show", target_id])
    if available["rank"]:
        put("rank --by wsjf --dry-run", [BIN, "rank", "--by", "wsjf", "--dry-run"])
    if available["dupes"]:
        put("dupes", [BIN, "dupes"], ok_codes=(0, 1))
    if available["diff"]:
        put("diff (20 items)", [BIN, "diff", "bench-diff-base..bench-diff-top"])

    if available["estimate"]:
        # Alternate two values so every run changes the file and records a commit (the
        # warm-up run moves the item off its generated value).
        log("  estimate ID...")
        times, rss = [], []
        try:
            for i in range(RUNS + 1):
                t, m = run_once([BIN, "-q", "estimate", target_id, str((3, 5)[i % 2])], repo,
                                (0,))
                if i > 0:
                    times.append(t)
                    rss.append(m)
            results[(n, "estimate ID (+ commit)")] = {
                "median": statistics.median(times), "min": min(times), "max": max(times),
                "rss": max(rss)}
        except RuntimeError as e:
            log(f"    FAILED: {e}")
            results[(n, "estimate ID (+ commit)")] = None

    # Floor: the same one-line change, committed with the git CLI.
    def edit(i):
        text, _ = estimate_line(target_path)
        new = re.sub(r"^estimate: \d+$", f"estimate: {(8, 13)[i % 2]}", text, count=1,
                     flags=re.M)
        with open(target_path, "w", encoding="utf-8") as f:
            f.write(new)

    put("floor-commit", ["sh", "-c", f"git add {rel_path} && git commit -q -m x"], prep=edit)
    status = git(repo, "status", "--porcelain")
    if status.strip():
        log(f"warning: work tree not clean after the run:\n{status}")

# ---- report ------------------------------------------------------------------------
names = ["list --format json", "check", "show ID", "estimate ID (+ commit)",
         "rank --by wsjf --dry-run", "dupes", "diff (20 items)"]
needs = {"list --format json": "list", "check": "check", "show ID": "show",
         "estimate ID (+ commit)": "estimate", "rank --by wsjf --dry-run": "rank",
         "dupes": "dupes", "diff (20 items)": "diff"}


def fmt_time(s):
    return f"{s * 1000:.0f} ms" if s < 10 else f"{s:.1f} s"


def label(n):
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


lines = []
lines.append(f"Median of {RUNS} runs after one warm-up (warm page cache); peak RSS is the "
             "largest of the runs.\n")
lines.append("| command | items | median | min–max | peak RSS | vs floor |")
lines.append("|---|---:|---:|---:|---:|---:|")
for n in SIZES:
    read = results[(n, "floor-read")]
    commit = results[(n, "floor-commit")]
    for name in names:
        if not available[needs[name]]:
            lines.append(f"| `{name}` | {label(n)} | n/a (not built) | | | |")
            continue
        r = results[(n, name)]
        if r is None:
            lines.append(f"| `{name}` | {label(n)} | failed (see the log) | | | |")
            continue
        if name.startswith("estimate"):
            floor, fname = commit, "commit"
        elif name.startswith("show"):
            floor, fname = results[(n, "floor-names")], "names"
        else:
            floor, fname = read, "read"
        ratio = f"{r['median'] / floor['median']:.2f}× {fname}" if floor else "—"
        lines.append(f"| `{name}` | {label(n)} | {fmt_time(r['median'])} | "
                     f"{fmt_time(r['min'])}–{fmt_time(r['max'])} | {r['rss'] / 1024:.0f} MB | "
                     f"{ratio} |")
    for key, title in (("floor-read", "floor read: `find \\| xargs cat`"),
                       ("floor-names", "floor names: `ls -f backlog`"),
                       ("floor-commit", "floor commit: `git add && git commit`")):
        r = results[(n, key)]
        if r is None:
            lines.append(f"| {title} | {label(n)} | failed (see the log) | | | |")
            continue
        lines.append(f"| {title} | {label(n)} | {fmt_time(r['median'])} | "
                     f"{fmt_time(r['min'])}–{fmt_time(r['max'])} | {r['rss'] / 1024:.0f} MB | 1.00× |")

# Targets (DESIGN.md section 5).
lines.append("\nTargets (DESIGN.md §5):\n")
lines.append("| target | measured | met |")
lines.append("|---|---|---|")


def target_row(text, measured, ok):
    lines.append(f"| {text} | {measured} | {'yes' if ok else '**no**'} |")


def ok(*keys):
    """Whether every result needed for a target row was measured."""
    return all(results.get(k) is not None for k in keys)


for name, cmd in (("list --format json", "list"), ("check", "check")):
    if 10000 in SIZES and available[cmd] and ok((10000, name), (10000, "floor-read")):
        r, f = results[(10000, name)], results[(10000, "floor-read")]
        ratio = r["median"] / f["median"]
        target_row(f"`{name}` at 10k ≤ 3× read floor", f"{ratio:.2f}×", ratio <= 3)
    if 100000 in SIZES and available[cmd] and ok((100000, name)):
        r = results[(100000, name)]
        target_row(f"`{name}` at 100k < 3 s, < 400 MB",
                   f"{fmt_time(r['median'])}, {r['rss'] / 1024:.0f} MB",
                   r["median"] < 3 and r["rss"] < 400 * 1024)
if available["estimate"]:
    for n in SIZES:
        if n < 10000 or not ok((n, "estimate ID (+ commit)"), (n, "floor-commit")):
            continue
        r, f = results[(n, "estimate ID (+ commit)")], results[(n, "floor-commit")]
        target_row(f"`estimate` + commit at {label(n)} ≤ git add && git commit",
                   f"{fmt_time(r['median'])} vs {fmt_time(f['median'])}",
                   r["median"] <= f["median"])
small, large = min(SIZES), max(SIZES)
if large > small:
    # Linear growth would be (large / small)x; under half of that counts as not linear.
    # The floors grow too: listing the folder (show) and git's own index and tree work
    # (estimate) are linear in the item count, so their growth is printed alongside.
    for name, cmd, floor, fname in (("show ID", "show", "floor-names", "`ls -f`"),
                                    ("estimate ID (+ commit)", "estimate", "floor-commit",
                                     "`git add && git commit`")):
        if available[cmd] and ok((small, name), (large, name), (small, floor), (large, floor)):
            a, b = results[(small, name)], results[(large, name)]
            fa, fb = results[(small, floor)], results[(large, floor)]
            growth = b["median"] / a["median"]
            target_row(f"`{name}` does not grow linearly ({label(small)} → {label(large)}, "
                       f"{large // small}× the items; under {large // small // 2}×)",
                       f"{fmt_time(a['median'])} → {fmt_time(b['median'])} ({growth:.1f}×); "
                       f"{fname}: {fmt_time(fa['median'])} → {fmt_time(fb['median'])} "
                       f"({fb['median'] / fa['median']:.1f}×)",
                       growth < (large / small) / 2)

report = "\n".join(lines) + "\n"
print(report)
if OUT:
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(report)
PY

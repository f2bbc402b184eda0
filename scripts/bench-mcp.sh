#!/usr/bin/env bash
# Latency of `backlog mcp` tool calls on a generated backlog, through the real protocol.
#
#   scripts/bench-mcp.sh [--items N] [--calls N] [--work DIR] [--bin PATH]
#
# Builds the release binary and the generator, generates a repository of N items (default
# 10000) with `examples/gen_backlog.rs` (the same one scripts/bench.sh uses, reused), starts
# `backlog mcp` in it, initializes, and times CALLS (default 200) `show_item` calls, each
# for a different item, one after the other: from writing the request to reading the
# response. The round trip includes the pipe and the JSON-RPC framing, so it bounds the
# time spent inside the server (which reads the backlog afresh on every call) from above.
# Also times `next_item` and `list_items`, which read every item, and reports the server's own
# CPU time per `show_item` call (from /proc, so it holds on a busy machine). Needs git,
# python3, cargo, Linux.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
items=10000
calls=200
work="${TMPDIR:-/tmp}/backlog-bench"
prebuilt=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --items) items="$2"; shift ;;
        --calls) calls="$2"; shift ;;
        --work) work="$2"; shift ;;
        --bin) prebuilt="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift ;;
        -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

target="${CARGO_TARGET_DIR:-$here/target}"
echo "building release binary and generator..." >&2
[[ -n "$prebuilt" && -x "$target/release/examples/gen_backlog" ]] || (cd "$here" && cargo build --release --quiet --bin backlog --example gen_backlog)
mkdir -p "$work/bin-mcp"
cp "$target/release/backlog" "$target/release/examples/gen_backlog" "$work/bin-mcp/"
bin="${prebuilt:-$work/bin-mcp/backlog}"

repo="$work/bl$items-s1"
if [[ ! -d "$repo/.git" ]] || ! git -C "$repo" rev-parse -q --verify bench-gen >/dev/null; then
    echo "generating $items items in $repo..." >&2
    rm -rf "$repo"
    "$work/bin-mcp/gen_backlog" --items "$items" --out "$repo" --seed 1
    git -C "$repo" tag bench-gen
fi
git -C "$repo" reset -q --hard bench-gen

BACKLOG_BIN="$bin" REPO="$repo" CALLS="$calls" python3 - <<'PY'
import json, os, statistics, subprocess, time

repo, calls = os.environ["REPO"], int(os.environ["CALLS"])
ids = sorted(f.split("-")[0] + "-" + f.split("-")[1]
             for f in os.listdir(os.path.join(repo, "backlog"))
             if f.endswith(".md") and f.count("-") >= 2)
server = subprocess.Popen([os.environ["BACKLOG_BIN"], "mcp"], cwd=repo, stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
next_id = 0


def request(method, params):
    global next_id
    next_id += 1
    server.stdin.write(json.dumps({"jsonrpc": "2.0", "id": next_id, "method": method,
                                   "params": params}) + "\n")
    server.stdin.flush()
    while True:
        msg = json.loads(server.stdout.readline())
        if msg.get("id") == next_id:
            return msg


def timed(tool, arguments):
    start = time.perf_counter()
    msg = request("tools/call", {"name": tool, "arguments": arguments})
    elapsed = (time.perf_counter() - start) * 1000
    assert "result" in msg and not msg["result"].get("isError"), msg
    return elapsed


request("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                       "clientInfo": {"name": "bench", "version": "0"}})
server.stdin.write(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}) + "\n")
step = max(1, len(ids) // calls)
picked = ids[::step][:calls]
timed("show_item", {"id": picked[0]})  # warm-up


def cpu_ms():
    """CPU time (user + system) the server process has used so far, in ms."""
    with open(f"/proc/{server.pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


cpu_before = cpu_ms()
show = sorted(timed("show_item", {"id": i}) for i in picked)
show_cpu = (cpu_ms() - cpu_before) / len(picked)
nxt = sorted(timed("next_item", {}) for _ in range(5))
lst = sorted(timed("list_items", {}) for _ in range(5))
server.stdin.close()
server.wait()


def row(name, t):
    p95 = t[min(len(t) - 1, int(len(t) * 0.95))]
    return (f"| `{name}` | {len(t)} | {statistics.median(t):.1f} ms | {p95:.1f} ms "
            f"| {t[-1]:.1f} ms |")


print(f"`backlog mcp` on {len(ids)} items, round trip per call (request written to response read):\n")
print("| tool | calls | median | p95 | max |")
print("|---|---|---|---|---|")
print(row("show_item", show))
print(row("next_item", nxt))
print(row("list_items", lst))
print(f"\nCPU time inside the server per `show_item` call (user + system, over {len(picked)} calls,"
      f" independent of other load on the machine): {show_cpu:.2f} ms")
PY

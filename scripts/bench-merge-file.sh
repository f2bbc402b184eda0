#!/usr/bin/env bash
# Benchmark `backlog merge-file` (the git merge driver) as git runs it: one whole process
# per file, on three ~4 KB item files. Prints the median, min and max wall time of RUNS runs
# of: a clean key-level merge, a merge with one conflicting key, `git merge-file` on the
# same files (git's line merge, for comparison) and `true` (the cost of starting a process).
# Usage: scripts/bench-merge-file.sh [RUNS] [--bin PATH]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-300}
BIN=""
if [[ "${2:-}" == "--bin" ]]; then BIN=$3; fi
if [[ -z "$BIN" ]]; then
  cargo build --release --quiet --bin backlog
  BIN=${CARGO_TARGET_DIR:-target}/release/backlog
fi
BIN=$(realpath "$BIN")
WORK=$(mktemp -d)
[[ -n "${KEEP:-}" ]] || trap 'rm -rf "$WORK"' EXIT
python3 - "$BIN" "$WORK" "$RUNS" <<'PY'
import os, shutil, statistics, subprocess, sys, time

bin_, work, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])

def item():
    fm = """---
id: B-7KX2
title: Sign in with company SSO
type: story
status: ready
rank: a0V
estimate: 5
value: 8
time_criticality: 5
risk_reduction: 3
labels: [auth, web, enterprise]
owner: dana  # product owner
depends_on:
  - B-3M1Q
  - B-9TQ4
parent: B-2A9C
sprint: 2026-S24
created: 2026-11-24
updated: 2026-11-30
x-jira: AUTH-1432
---
"""
    body = ("As a returning user, I want to sign in with my company SSO so that I don't "
            "manage another password.\n\n## Context\n")
    for i in range(14):
        body += (f"Paragraph {i}: the identity team supports SAML and OIDC; large customers "
                 "ask for SCIM provisioning next quarter, which is out of scope here.\n")
    body += "\n## Acceptance criteria\n"
    for i in range(24):
        body += f"- [ ] Criterion {i}: given an SSO-enabled company, the flow works ({i}).\n"
    body += "\n## Notes\n- Legal reviewed the data-processing terms.\n"
    return fm + body

base = item()
ours = (base.replace("estimate: 5", "estimate: 8")
            .replace("- [ ] Criterion 3:", "- [x] Criterion 3:")
            .replace("(23).\n", "(23).\n- [ ] Works on mobile.\n"))
theirs = (base.replace("value: 8", "value: 13")
              .replace("[auth, web, enterprise]", "[auth, web, enterprise, sso]")
              .replace("rank: a0V", "rank: a0Q")
              .replace("Paragraph 5:", "Paragraph five:")
              .replace("(23).\n", "(23).\n- [ ] The sign-in is logged.\n"))
conflicting = theirs.replace("estimate: 5", "estimate: 3")
for name, text in [("base", base), ("ours", ours), ("theirs", theirs), ("conflicting", conflicting)]:
    with open(os.path.join(work, name + ".md"), "w") as f:
        f.write(text)
print(f"files in {work}: base {len(base)} B, ours {len(ours)} B, theirs {len(theirs)} B; {runs} runs each")

def bench(label, argv, reset, expect):
    wall, cpu = [], []
    for i in range(runs + 5):
        reset()
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(p.pid, 0)
        dt = time.perf_counter() - t0
        code = os.waitstatus_to_exitcode(status)
        if code != expect:
            sys.exit(f"{label}: exit {code}, expected {expect}")
        if i >= 5:
            wall.append(dt * 1000)
            cpu.append((usage.ru_utime + usage.ru_stime) * 1000)
    print(f"{label:<42} wall median {statistics.median(wall):5.2f} ms (min {min(wall):5.2f}, "
          f"p90 {statistics.quantiles(wall, n=10)[-1]:5.2f})   "
          f"CPU median {statistics.median(cpu):5.2f} ms")

def reset():
    shutil.copy(os.path.join(work, "ours.md"), os.path.join(work, "a.md"))

bench("backlog merge-file (clean)", [bin_, "merge-file", "base.md", "a.md", "theirs.md",
      "--path", "backlog/B-7KX2.md"], reset, 0)
bench("backlog merge-file (one conflicting key)", [bin_, "merge-file", "base.md", "a.md",
      "conflicting.md"], reset, 1)
bench("git merge-file (line merge, same files)", ["git", "merge-file", "a.md", "base.md",
      "theirs.md"], reset, 2)
bench("true (process start)", ["true"], lambda: None, 0)
PY

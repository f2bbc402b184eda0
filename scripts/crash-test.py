#!/usr/bin/env python3
"""kill -9 crash test: every mutating command, killed at random moments, over a 500-item repo.

For each round: the command is first run to completion on a copy of the repository (the
expected result and its duration), then run in the repository and sent SIGKILL after a
uniform random delay in [0, 1.2 x its duration]. Only runs that were still alive when the
signal arrived count as kills. After every run (killed or not) the next command, a `set`
of an unrelated item, must succeed with no manual step, and then:

- HEAD's parent (the state the interrupted command left, after recovery) is the old HEAD
  (nothing happened) or a commit whose parent is the old HEAD and whose change equals the
  expected one (the whole change: same tree when the command is deterministic, the same
  number of added / modified / deleted files when it mints random IDs);
- `git status --porcelain` is empty (work tree = index = HEAD);
- `git fsck` exits 0 and reports no error (dangling objects are allowed, as git leaves
  them too);
- no temporary file is left: no `.backlog-tmp-*` anywhere, no `.git/backlog-tx`, no
  libgit2 `tmp_object_git2_*`, no `index.lock` or ref `.lock`.

Usage: scripts/crash-test.py [--kills N] [--items N] [--seed N] [--bin PATH]
(`CRASH_KILLS` sets the default of --kills: kills per command; CI uses a few.)
Exit code 0 when every check held; prints a table of counts per command.
"""

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
SCALE = [1, 2, 3, 5, 8]


def item_id(i):
    s = ""
    for _ in range(4):
        s = ALPHABET[i % len(ALPHABET)] + s
        i //= len(ALPHABET)
    return "B-" + s


def run(cmd, cwd, check=True, env=None):
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stdout}{r.stderr}")
    return r


def git(repo, *args, check=True):
    return run(["git", *args], repo, check=check).stdout.strip()


class Env:
    def __init__(self, binary):
        self.bin = binary
        self.env = dict(os.environ)
        self.env.update(
            GIT_AUTHOR_NAME="Crash", GIT_AUTHOR_EMAIL="crash@example.com",
            GIT_COMMITTER_NAME="Crash", GIT_COMMITTER_EMAIL="crash@example.com",
            NO_COLOR="1",
        )
        self.env.pop("BACKLOG_DIR", None)

    def backlog(self, repo, *args, check=True):
        return run([self.bin, "-q", *args], repo, check=check, env=self.env)

    def popen(self, repo, *args):
        return subprocess.Popen([self.bin, "-q", *args], cwd=repo, env=self.env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_repo(path, env, items, rng):
    os.makedirs(path)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.name", "Crash")
    git(path, "config", "user.email", "crash@example.com")
    # No automatic `git gc`: after enough rounds a `git commit` of the set-up starts one
    # in the background, which repacks objects while the next round copies the
    # repository (seen at round 585 of a 100-kill run).
    git(path, "config", "gc.auto", "0")
    env.backlog(path, "init")
    statuses = ["draft", "ready", "in-progress", "done"]
    for i in range(items):
        iid = item_id(i + 1)
        deps = ""
        if i > 10 and rng.random() < 0.2:
            deps = f"depends_on: [{item_id(rng.randrange(1, i))}]\n"
        criteria = "".join(f"- [ ] criterion {k} of item {i}\n" for k in range(rng.randint(1, 4)))
        text = (
            f"---\nid: {iid}\ntitle: Item number {i} with a realistic title\ntype: story\n"
            f"status: {rng.choice(statuses)}\nestimate: {rng.choice(SCALE)}\nvalue: {rng.randint(1, 20)}\n"
            f"owner: '@dev{rng.randint(1, 9)}'\nlabels: [area-{rng.randint(1, 5)}]\n{deps}"
            f"created: 2026-01-{rng.randint(1, 28):02d}\n---\n"
            f"As a user I want thing {i} so that the product improves.\n\n"
            f"## Acceptance criteria\n{criteria}"
        )
        with open(os.path.join(path, "backlog", f"{iid}-item-{i}.md"), "w") as f:
            f.write(text)
    git(path, "add", "-A")
    git(path, "commit", "-qm", "seed items")
    env.backlog(path, "rank", "--rebalance")


def item_files(repo):
    out = {}
    folder = os.path.join(repo, "backlog")
    for name in os.listdir(folder):
        if name.endswith(".md"):
            with open(os.path.join(folder, name)) as f:
                text = f.read()
            iid = next((l[4:].strip() for l in text.splitlines() if l.startswith("id: ")), None)
            status = next((l[8:].strip() for l in text.splitlines() if l.startswith("status: ")), "")
            est = next((l[10:].strip() for l in text.splitlines() if l.startswith("estimate: ")), "")
            out[iid] = (name, status, est)
    return out


def pick_command(kind, items, rng, n):
    open_ids = [i for i, (_, s, _) in items.items() if s not in ("done", "split", "duplicate")]
    a, b = rng.sample(sorted(open_ids), 2)
    if kind == "estimate":
        est = items[a][2]
        return ["estimate", a, str(rng.choice([p for p in SCALE if str(p) != est]))], {a}
    if kind == "set":
        return ["set", a, f"value={rng.randint(21, 99)}", f"owner=@crash{n}"], {a}
    if kind == "rank-before":
        return ["rank", a, "--before", b], {a}
    if kind == "split":
        return ["split", a, "--into", f"Child A{n}", "--into", f"Child B{n}"], {a}
    if kind == "merge":
        return ["merge", b, "--into", a], {a, b}
    if kind == "add":
        return ["add", f"New item {n}", "--estimate", "3", "--depends-on", a], {a}
    if kind == "criteria":
        return ["criteria", a, "--add", f"new criterion {n}"], {a}
    if kind == "plan":
        return ["plan", "--apply", "--capacity", str(rng.randint(10, 40)), "--sprints",
                str(rng.randint(1, 3))], set()
    if kind == "rebalance":
        return ["rank", "--rebalance"], set()
    if kind == "story":
        return ["story", a, f"As a crash tester I want story {n} so that nothing is lost."], {a}
    if kind == "edit":
        # $EDITOR is the `crash-editor` script main() writes: it retitles the item.
        return ["edit", a], {a}
    if kind == "fmt":
        return ["fmt"], set()
    if kind == "import":
        return ["import", "csv", CSV], set()
    if kind == "git-setup":
        return ["git-setup"], set()
    raise ValueError(kind)


CSV = ""  # set in main(): the CSV file `import` reads, rewritten before each import round


def setup(kind, repo, env, rng, n):
    """Prepares the repository so the round's command has something to do (committed)."""
    if kind == "fmt":
        # Misname some files, as hand-made copies are: `fmt` renames them back.
        named = sorted((i, f[0]) for i, f in item_files(repo).items() if i and not f[0].startswith("copy-of-"))
        for iid, name in rng.sample(named, 15):
            git(repo, "mv", os.path.join("backlog", name), os.path.join("backlog", f"copy-of-{iid}.md"))
        git(repo, "commit", "-qm", f"misname files {n}")
    elif kind == "import":
        # A Jira-style export of 20 new issues (new keys each round, so each import adds).
        rows = ["Issue key,Summary,Status,Issue Type,Story Points,Labels,Description"]
        for k in range(20):
            rows.append(f'CR{n}-{k},"Imported issue {k} of round {n}",To Do,Story,3,crash,'
                        f'"Line one\nline two of {k}"')
        with open(CSV, "w") as f:
            f.write("\n".join(rows) + "\n")
    elif kind == "git-setup":
        attrs = os.path.join(repo, "backlog", ".gitattributes")
        if os.path.exists(attrs):
            git(repo, "rm", "-q", attrs)
            git(repo, "commit", "-qm", f"remove the merge driver {n}")
        git(repo, "config", "--unset-all", "merge.backlog.driver", check=False)
        git(repo, "config", "--unset-all", "merge.backlog.name", check=False)


# Commands whose result does not depend on random IDs: the expected tree must match.
DETERMINISTIC = {"estimate", "set", "rank-before", "merge", "criteria", "plan", "rebalance",
                 "story", "edit", "fmt", "git-setup"}
KINDS = ["estimate", "set", "rank-before", "split", "merge", "add", "criteria", "plan",
         "rebalance", "story", "edit", "fmt", "import", "git-setup"]


def name_status_counts(repo, rev):
    counts = {"A": 0, "M": 0, "D": 0}
    out = git(repo, "diff-tree", "--no-commit-id", "--name-status", "-r", rev)
    for line in out.splitlines():
        counts[line[0]] = counts.get(line[0], 0) + 1
    return counts


def leftovers(repo):
    found = []
    for dirpath, dirnames, filenames in os.walk(repo):
        for name in filenames + dirnames:
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, repo)
            if name.startswith(".backlog-tmp-") or name.startswith("tmp_object_git2_") \
                    or name.startswith("pack_git2_") or name in ("backlog-tx", ".backlog-tx"):
                found.append(rel)
            elif name.endswith(".lock") and name != "backlog.lock":
                found.append(rel)
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kills", type=int, default=int(os.environ.get("CRASH_KILLS", "100")),
                    help="kills per command (default: $CRASH_KILLS or 100)")
    ap.add_argument("--items", type=int, default=500)
    ap.add_argument("--seed", type=int, default=int(os.environ.get("CRASH_SEED", "1")))
    ap.add_argument("--bin", default=os.environ.get("BACKLOG_BIN",
                                                    os.path.join(ROOT, "target/debug/backlog")))
    ap.add_argument("--only", help="comma-separated command kinds")
    ap.add_argument("--keep", action="store_true", help="keep the repository on failure")
    args = ap.parse_args()
    if not os.path.exists(args.bin):
        run(["cargo", "build", "--quiet"], ROOT)
    rng = random.Random(args.seed)
    env = Env(os.path.abspath(args.bin))
    kinds = args.only.split(",") if args.only else KINDS
    work = tempfile.mkdtemp(prefix="backlog-crash-")
    global CSV
    CSV = os.path.join(work, "import.csv")
    editor = os.path.join(work, "crash-editor")
    with open(editor, "w") as f:
        f.write('#!/bin/sh\nsed -i "s/^title: \\(.*\\)$/title: \\1 (edited)/" "$1"\n')
    os.chmod(editor, 0o755)
    env.env["EDITOR"] = editor
    env.env.pop("VISUAL", None)
    repo = os.path.join(work, "repo")
    copy = os.path.join(work, "copy")
    make_repo(repo, env, args.items, rng)
    stats = {k: dict(kills=0, finished=0, old=0, new=0, recovered=0) for k in kinds}
    failures = []
    n = 0
    started = time.time()
    try:
        while any(stats[k]["kills"] < args.kills for k in kinds):
            for kind in kinds:
                if stats[kind]["kills"] >= args.kills:
                    continue
                n += 1
                if n % 50 == 0:
                    # Between rounds (never during one), pack the loose objects the rounds
                    # wrote: the copy each round makes would otherwise grow without bound.
                    git(repo, "repack", "-adq")
                    git(repo, "prune", "--expire=now")
                setup(kind, repo, env, rng, n)
                items = item_files(repo)
                cmd, touched = pick_command(kind, items, rng, n)
                old_head = git(repo, "rev-parse", "HEAD")
                # The expected result, on a copy.
                shutil.rmtree(copy, ignore_errors=True)
                shutil.copytree(repo, copy, symlinks=True)
                t0 = time.time()
                r = env.backlog(copy, *cmd, check=False)
                duration = time.time() - t0
                if r.returncode != 0:
                    failures.append(f"round {n}: {cmd} failed on the copy: {r.stderr.strip()}")
                    continue
                expected_head = git(copy, "rev-parse", "HEAD")
                expected_tree = git(copy, "rev-parse", "HEAD^{tree}")
                expected_counts = name_status_counts(copy, "HEAD") if expected_head != old_head else None
                # The run that gets killed.
                p = env.popen(repo, *cmd)
                time.sleep(rng.uniform(0, duration * 1.2))
                killed = p.poll() is None
                if killed:
                    os.kill(p.pid, signal.SIGKILL)
                p.wait()
                killed = killed and p.returncode == -signal.SIGKILL
                stats[kind]["kills" if killed else "finished"] += 1
                # The next command: an unrelated item, no manual step.
                others = sorted(i for i in item_files(repo) if i not in touched and i)
                probe = rng.choice(others)
                nxt = env.backlog(repo, "set", probe, f"crash-probe={n}", check=False)
                problems = []
                if nxt.returncode != 0:
                    problems.append(f"next command failed: {nxt.stderr.strip()}")
                elif "interrupted" in nxt.stderr:
                    stats[kind]["recovered"] += 1
                head = git(repo, "rev-parse", "HEAD")
                after = git(repo, "rev-parse", "HEAD^") if nxt.returncode == 0 else head
                if after == old_head:
                    stats[kind]["old"] += 1
                elif git(repo, "rev-parse", after + "^", check=False) == old_head:
                    stats[kind]["new"] += 1
                    if kind in DETERMINISTIC:
                        if git(repo, "rev-parse", after + "^{tree}") != expected_tree:
                            problems.append("the committed change differs from the expected one")
                    elif name_status_counts(repo, after) != expected_counts:
                        problems.append(
                            f"the committed change {name_status_counts(repo, after)} differs "
                            f"from the expected {expected_counts}")
                else:
                    problems.append(f"HEAD^ {after} is neither the old HEAD nor its child")
                status = git(repo, "status", "--porcelain", "--untracked-files=all")
                if status:
                    problems.append(f"git status not clean:\n{status}")
                fsck = run(["git", "fsck", "--no-progress"], repo, check=False)
                bad = [l for l in (fsck.stdout + fsck.stderr).splitlines()
                       if l and not l.startswith(("dangling ", "notice:"))]
                if fsck.returncode != 0 or bad:
                    problems.append(f"git fsck: {fsck.returncode} {bad[:5]}")
                left = leftovers(repo)
                if left:
                    problems.append(f"left behind: {left[:5]}")
                print(f"round {n} {kind}: {'killed' if killed else 'finished'}, "
                      f"{'ok' if not problems else 'FAILED'} "
                      f"({sum(v['kills'] for v in stats.values())} kills so far)",
                      file=sys.stderr, flush=True)
                if problems:
                    failures.append(f"round {n} ({kind}, {'killed' if killed else 'finished'}): "
                                    + "; ".join(problems))
                    print(failures[-1], file=sys.stderr)
                    if args.keep:
                        print(f"repository kept at {repo}", file=sys.stderr)
                        return 1
                    # Reset to a clean state so later rounds still test something.
                    for l in left:
                        p = os.path.join(repo, l)
                        shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)
                    git(repo, "reset", "-q", "--hard", "HEAD", check=False)
                    git(repo, "clean", "-qfd", check=False)
    finally:
        if not args.keep or not failures:
            shutil.rmtree(work, ignore_errors=True)
    total = dict(kills=0, finished=0, old=0, new=0, recovered=0)
    print(f"{'command':<12} {'kills':>6} {'finished':>9} {'old':>5} {'new':>5} {'recovered':>10}")
    for k in kinds:
        s = stats[k]
        for key in total:
            total[key] += s[key]
        print(f"{k:<12} {s['kills']:>6} {s['finished']:>9} {s['old']:>5} {s['new']:>5} "
              f"{s['recovered']:>10}")
    print(f"{'total':<12} {total['kills']:>6} {total['finished']:>9} {total['old']:>5} "
          f"{total['new']:>5} {total['recovered']:>10}")
    print(f"{args.items} items, seed {args.seed}, {time.time() - started:.0f} s; "
          f"failures: {len(failures)}")
    for f in failures[:20]:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

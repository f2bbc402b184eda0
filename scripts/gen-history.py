#!/usr/bin/env python3
"""Writes a `git fast-import` stream for a long, seeded backlog history.

A code monorepo with a backlog folder: the root commit holds the code files and 85% of the
items; then COMMITS commits follow, evenly dated over five years up to END, of which
CODE_SHARE touch only code files. Each backlog commit changes 1-3 items by one line
(estimate, status, owner, value, an acceptance criterion, rank), adds an item (the other
15%), or rarely renames one to a new slug (half of them with a title change) or deletes
one. Messages and trailers are shaped like the tool's.

Planted probes (their IDs go to the JSON file given with --probes):
- HOT: in the root commit and touched in 19 more evenly spread commits; a pure rename at
  touch 6, a title change + rename at touch 13, rank moves at touches 3, 10 and 17.
- COLD: in the root commit, never touched again.
- YOUNG: the last item added.
A branch `feature` forks FEATURE_BEHIND commits before main's tip and changes 40 items in
30 commits: 38 modified (6 rank moves, one title change + rename), 2 added.

    python3 scripts/gen-history.py --commits 100000 --items 10000 --probes probes.json \
        | git fast-import --quiet

Same arguments, same repository (commit ids too, given --end).
"""

import argparse
import json
import random
import sys
import time

DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
WORDS = ("export import billing invoice search filter report dashboard login sso audit "
         "cache sync upload download profile settings notification email webhook api "
         "mobile offline retry timeout pagination sorting permission role team project "
         "archive restore backup metric alert chart calendar reminder comment mention "
         "attachment preview").split()
STATUSES = ["draft", "ready", "in-progress", "done"]
SCALE = [1, 2, 3, 5, 8, 13]
OWNERS = ["dana", "lee", "sam", "kim", "alex", "ro", "jo"]
CRITERIA = [
    "Given a signed-in user, when they open the page, then the data loads within 2 s.",
    "Errors from the server are shown with a retry button.",
    "The change is covered by an end-to-end test.",
    "It works on mobile screens down to 360 px.",
    "The audit log records who made the change.",
    "It is documented in the user guide.",
]


def rank_key(i):
    """The i-th integer fractional-index key (a0..az, b00..bzz, c000..)."""
    for head, width in (("a", 1), ("b", 2), ("c", 3), ("d", 4)):
        if i < 62 ** width:
            s = ""
            for _ in range(width):
                s = DIGITS[i % 62] + s
                i //= 62
            return head + s
        i -= 62 ** width
    raise ValueError("too many items")


def slug(title):
    return "-".join(w for w in title.lower().replace(",", "").split() if w.isalnum())[:40]


class Item:
    def __init__(self, rng, iid, rank, created):
        self.id = iid
        words = rng.sample(WORDS, 4)
        self.title = f"{words[0].capitalize()} {words[1]} for {words[2]} {words[3]}"
        self.path = f"backlog/{iid}-{slug(self.title)}.md"
        self.status = rng.choice(STATUSES[:3])
        self.rank = rank
        self.estimate = rng.choice(SCALE)
        self.value = rng.randint(1, 13)
        self.owner = rng.choice(OWNERS)
        self.labels = sorted(rng.sample(["web", "api", "mobile", "infra", "ux"], 2))
        self.created = created
        self.criteria = [[c, False] for c in rng.sample(CRITERIA, rng.randint(2, 4))]
        self.story = (f"As a team member, I want {words[0]} {words[1]} for {words[2]} so "
                      f"that {words[3]} work stops slowing us down.")
        self.notes = ("We discussed this in refinement. The scope is the happy path plus the "
                      "error cases listed below; performance work is a separate item. ") * 3

    def text(self):
        ac = "".join(f"- [{'x' if done else ' '}] {c}\n" for c, done in self.criteria)
        return (f"---\nid: {self.id}\ntitle: {self.title}\ntype: story\nstatus: {self.status}\n"
                f"rank: {self.rank}\nestimate: {self.estimate}\nvalue: {self.value}\n"
                f"labels: [{', '.join(self.labels)}]\nowner: {self.owner}\n"
                f"created: {self.created}\n---\n{self.story}\n\n{self.notes}\n\n"
                f"## Acceptance criteria\n{ac}")

    def copy(self):
        other = Item.__new__(Item)
        other.__dict__ = dict(self.__dict__)
        other.criteria = [list(c) for c in self.criteria]
        other.labels = list(self.labels)
        return other


class Gen:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.out = sys.stdout.buffer
        self.ids = set()
        self.items = {}  # id -> Item (alive)
        self.order = []  # ids in creation order (alive or not)
        self.next_rank = 0
        self.mark = 0
        self.code_files = [f"src/c{d:02d}/f{f:03d}.rs" for d in range(64) for f in range(63)]
        self.code_rev = {}

    def new_id(self):
        while True:
            iid = "B-" + "".join(self.rng.choice(CROCKFORD) for _ in range(5))
            if iid not in self.ids:
                self.ids.add(iid)
                return iid

    def new_item(self, date):
        item = Item(self.rng, self.new_id(), rank_key(self.next_rank), date)
        self.next_rank += 1
        self.items[item.id] = item
        self.order.append(item.id)
        return item

    def emit_commit(self, ref, when, message, ops, parent=None):
        self.mark += 1
        w = self.out.write
        w(f"commit {ref}\nmark :{self.mark}\n".encode())
        who = self.rng.choice(OWNERS)
        w(f"author {who} <{who}@example.com> {when} +0000\n".encode())
        w(f"committer {who} <{who}@example.com> {when} +0000\n".encode())
        msg = message.encode()
        w(f"data {len(msg)}\n".encode() + msg + b"\n")
        if parent is not None:
            w(f"from :{parent}\n".encode())
        for op in ops:
            if op[0] == "D":
                w(f"D {op[1]}\n".encode())
            else:
                data = op[2].encode()
                w(f"M 100644 inline {op[1]}\ndata {len(data)}\n".encode() + data + b"\n")
        w(b"\n")
        return self.mark

    def code_text(self, path):
        rev = self.code_rev.get(path, 0)
        return f"// {path}, revision {rev}\npub fn f() -> u32 {{\n    {rev}\n}}\n"

    def change(self, item, kind, when_date):
        """Changes one line of an item; returns (op, summary)."""
        rng = self.rng
        if kind == "estimate":
            old = item.estimate
            item.estimate = rng.choice([s for s in SCALE if s != old])
            return "estimate", f"{old} -> {item.estimate}"
        if kind == "status":
            old = item.status
            item.status = rng.choice([s for s in STATUSES if s != old])
            return "set", f"status {old} -> {item.status}"
        if kind == "owner":
            item.owner = rng.choice([o for o in OWNERS if o != item.owner])
            return "set", f"owner {item.owner}"
        if kind == "value":
            item.value = rng.choice([v for v in range(1, 14) if v != item.value])
            return "set", f"value {item.value}"
        if kind == "criterion":
            c = rng.choice(item.criteria)
            c[1] = not c[1]
            return "criteria", "checked" if c[1] else "unchecked"
        # rank: between another alive item and the next integer key
        other = self.items[rng.choice(list(self.items))] if len(self.items) > 1 else item
        item.rank = other.rank + rng.choice(DIGITS[1:])
        return "rank", f"moved near {other.id}"

    def backlog_commit(self, when, day):
        rng = self.rng
        r = rng.random()
        ops = []
        alive = self.alive_ids()
        if r < 0.01:
            item = self.items[rng.choice(alive)]
            old = item.path
            if rng.random() < 0.5:
                item.title = item.title + " (revised)"
            item.path = f"backlog/{item.id}-{slug(item.title)}-{rng.randint(1, 99)}.md"
            ops += [("D", old), ("M", item.path, item.text())]
            return ops, "edit", [item.id], f"edit {item.id}: file renamed"
        if r < 0.0125:
            item = self.items.pop(rng.choice(alive))
            ops.append(("D", item.path))
            return ops, "delete", [item.id], f"delete {item.id}"
        n = rng.choice([1, 1, 1, 2, 2, 3])
        ids = rng.sample(alive, n)
        kinds = ["estimate"] * 25 + ["status"] * 20 + ["owner"] * 10 + ["value"] * 10 \
            + ["criterion"] * 25 + ["rank"] * 10
        kind = rng.choice(kinds)
        what = ""
        op = "set"
        for iid in ids:
            op, what = self.change(self.items[iid], kind, day)
            ops.append(("M", self.items[iid].path, self.items[iid].text()))
        return ops, op, ids, f"{op} {', '.join(ids)}: {what}"

    def alive_ids(self):
        if not hasattr(self, "_alive_cache") or self._alive_len != len(self.items):
            self._alive_cache = [i for i in self.items if i not in self.protected]
            self._alive_len = len(self.items)
        return self._alive_cache

    def hot_commit(self, when, touch):
        item = self.items[self.hot]
        ops = []
        old = item.path
        if touch == 6:
            item.path = f"backlog/{item.id}-renamed-once.md"
            ops.append(("D", old))
            what = "file renamed"
        elif touch == 13:
            item.title = "Planted item, retitled"
            item.path = f"backlog/{item.id}-planted-item-retitled.md"
            ops.append(("D", old))
            what = "title changed, file renamed"
        elif touch in (3, 10, 17):
            _, what = self.change(item, "rank", None)
        else:
            _, what = self.change(item, ["estimate", "criterion", "value"][touch % 3], None)
        ops.append(("M", item.path, item.text()))
        ids = [item.id]
        if touch == 9:  # shared with two other items
            for iid in self.rng.sample(self.alive_ids(), 2):
                self.change(self.items[iid], "owner", None)
                ops.append(("M", self.items[iid].path, self.items[iid].text()))
                ids.append(iid)
        return ops, "edit", ids, f"edit {', '.join(ids)}: {what}"

    def run(self):
        a = self.args
        end = a.end if a.end is not None else int(time.time()) - 3600
        start = end - 5 * 365 * 86400
        step = (end - start) / (a.commits + 1)
        day0 = time.strftime("%Y-%m-%d", time.gmtime(start))
        # Root commit: code files and 85% of the items.
        root_items = int(a.items * 0.85)
        ops = [("M", p, self.code_text(p)) for p in self.code_files]
        for _ in range(root_items):
            item = self.new_item(day0)
            ops.append(("M", item.path, item.text()))
        self.hot, self.cold = self.order[0], self.order[1]
        self.protected = {self.hot, self.cold}
        hot_title = self.items[self.hot].title
        self.emit_commit("refs/heads/main", start, "Import the backlog and the code\n", ops)
        n_backlog = round(a.commits * (1 - a.code_share))
        backlog_at = set(self.rng.sample(range(1, a.commits + 1), n_backlog))
        backlog_seq = sorted(backlog_at)
        hot_at = {backlog_seq[int(k * len(backlog_seq) / 20)]: k for k in range(1, 20)}
        added_target = a.items - root_items
        adds_left = added_target
        fork = a.commits - a.feature_behind
        fork_mark = None
        snapshot = None
        young = None
        for c in range(1, a.commits + 1):
            when = int(start + c * step)
            day = time.strftime("%Y-%m-%d", time.gmtime(when))
            if c in backlog_at:
                # Spread the additions evenly over the backlog commits.
                remaining = len(backlog_at) - backlog_seq.index(c) if adds_left else 1
                if c in hot_at:
                    ops, op, ids, summary = self.hot_commit(when, hot_at[c])
                elif adds_left and self.rng.random() < adds_left / remaining:
                    item = self.new_item(day)
                    adds_left -= 1
                    young = item.id
                    ops, op, ids, summary = ([("M", item.path, item.text())], "add", [item.id],
                                             f"add {item.id}: {item.title}")
                else:
                    ops, op, ids, summary = self.backlog_commit(when, day)
                message = (f"backlog: {summary}\n\nBacklog-Op: {op}\n"
                           f"Backlog-Items: {', '.join(ids)}\n")
            else:
                path = self.rng.choice(self.code_files)
                self.code_rev[path] = self.code_rev.get(path, 0) + 1
                ops = [("M", path, self.code_text(path))]
                message = f"{path.split('/')[1]}: change {path}\n"
            mark = self.emit_commit("refs/heads/main", when, message, ops)
            if c == fork:
                fork_mark = mark
                snapshot = ({k: v.copy() for k, v in self.items.items()}, self.next_rank)
        self.young = young
        probes = {
            "hot": {"id": self.hot, "title": hot_title, "path": self.items[self.hot].path},
            "cold": {"id": self.cold, "path": self.items[self.cold].path},
            "young": {"id": self.young, "path": self.items[self.young].path},
            "commits": a.commits + 1,
            "items": len(self.items),
        }
        if fork_mark is not None:
            probes["feature"] = self.feature(fork_mark, snapshot, start, step, fork)
        if a.probes:
            with open(a.probes, "w") as f:
                json.dump(probes, f, indent=1)

    def feature(self, fork_mark, snapshot, start, step, fork):
        items, next_rank = snapshot
        self.items = items
        self.next_rank = next_rank + 100000
        self.protected = set()
        self._alive_len = -1
        chosen = self.rng.sample(sorted(set(items) - {self.hot, self.cold, self.young}), 38)
        kinds = ["rank"] * 6 + ["retitle"] + ["estimate", "status", "criterion", "value"] * 8
        parent = fork_mark
        changes = list(zip(chosen, kinds[:38]))
        groups = [changes[i::28] for i in range(28)]  # 28 commits, 1-2 items each
        for g, group in enumerate(groups):
            when = int(start + (fork + g + 0.5) * step)
            ops, ids = [], []
            for iid, kind in group:
                item = self.items[iid]
                if kind == "retitle":
                    old = item.path
                    item.title = item.title + " (split out)"
                    item.path = f"backlog/{item.id}-{slug(item.title)}.md"
                    ops.append(("D", old))
                else:
                    self.change(item, kind, None)
                ops.append(("M", item.path, item.text()))
                ids.append(iid)
            msg = f"backlog: edit {', '.join(ids)}\n\nBacklog-Op: edit\nBacklog-Items: {', '.join(ids)}\n"
            parent = self.emit_commit("refs/heads/feature", when, msg, ops, parent)
        day = time.strftime("%Y-%m-%d", time.gmtime(int(start + fork * step)))
        added = []
        for g in range(2):
            item = self.new_item(day)
            added.append(item.id)
            when = int(start + (fork + 28 + g + 0.5) * step)
            msg = f"backlog: add {item.id}: {item.title}\n\nBacklog-Op: add\nBacklog-Items: {item.id}\n"
            parent = self.emit_commit("refs/heads/feature", when, msg,
                                      [("M", item.path, item.text())], parent)
        return {"changed": sorted(chosen + added), "rank_moves": sorted(chosen[:6])}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--commits", type=int, default=100000)
    p.add_argument("--items", type=int, default=10000)
    p.add_argument("--code-share", type=float, default=0.7)
    p.add_argument("--feature-behind", type=int, default=5000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--end", type=int, help="Unix time of the last commit (default: an hour ago)")
    p.add_argument("--probes", help="write the probe IDs and paths to this JSON file")
    Gen(p.parse_args()).run()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Generate a Backlog.md project with N tasks (~1 KB each) in Backlog.md's on-disk format.

Usage: scripts/gen_backlog_md.py DIR [N]

Writes DIR/backlog/{tasks,drafts,completed,archive/tasks}/task-<n> - <Title>.md with the
front matter Backlog.md writes (id, title, status, assignee, created_date, labels,
dependencies, parent_task_id, priority, ordinal) and its marked sections (Description,
Acceptance Criteria with `- [ ] #1 …`, Definition of Done, Implementation Plan).
Deterministic: the same N gives the same files.
"""
import os
import random
import sys

WORDS = (
    "account billing cart checkout invoice export import report search filter sort "
    "payment refund shipping order customer login session token cache queue email "
    "notification profile settings dashboard chart upload download archive audit"
).split()
STATUSES = ["To Do", "In Progress", "Done"]
PEOPLE = ["@dana", "@lee", "@sam", "@kim"]


def title(rng, n):
    return f"{rng.choice(['Add', 'Fix', 'Improve', 'Remove'])} {' '.join(rng.sample(WORDS, 3))} {n}"


def task(rng, n, count):
    t = title(rng, n)
    deps = sorted({f"TASK-{rng.randint(1, n - 1)}" for _ in range(rng.randint(0, 2))}) if n > 1 else []
    lines = [
        "---",
        f"id: TASK-{n}",
        f"title: {t}",
        f"status: {rng.choice(STATUSES)}",
        "assignee:",
        f"  - '{rng.choice(PEOPLE)}'",
        f"created_date: '2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 10:{rng.randint(0, 59):02d}'",
        "labels:",
        *[f"  - {w}" for w in rng.sample(WORDS, 2)],
        "dependencies:" if deps else "dependencies: []",
        *[f"  - {d}" for d in deps],
    ]
    if n > 10 and rng.random() < 0.2:
        lines.append(f"parent_task_id: TASK-{rng.randint(1, 10)}")
    lines += [f"priority: {rng.choice(['high', 'medium', 'low'])}", f"ordinal: {n * 1000}", "---", ""]
    desc = " ".join(rng.choice(WORDS) for _ in range(60))
    lines += [
        "## Description",
        "",
        "<!-- SECTION:DESCRIPTION:BEGIN -->",
        f"As a customer, I want {desc} so that it works.",
        "<!-- SECTION:DESCRIPTION:END -->",
        "",
        "## Acceptance Criteria",
        "<!-- AC:BEGIN -->",
        *[
            f"- [{'x' if rng.random() < 0.3 else ' '}] #{i} {' '.join(rng.sample(WORDS, 6))}"
            for i in range(1, 4)
        ],
        "<!-- AC:END -->",
        "",
        "## Definition of Done",
        "<!-- DOD:BEGIN -->",
        "- [ ] #1 Tests pass",
        "<!-- DOD:END -->",
        "",
        "## Implementation Plan",
        "",
        "<!-- SECTION:PLAN:BEGIN -->",
        "1. " + " ".join(rng.sample(WORDS, 8)),
        "<!-- SECTION:PLAN:END -->",
        "",
    ]
    return t, "\n".join(lines)


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    rng = random.Random(42)
    folders = ["tasks"] * 8 + ["drafts", "completed"]
    for sub in ["tasks", "drafts", "completed", "archive/tasks"]:
        os.makedirs(os.path.join(out, "backlog", sub), exist_ok=True)
    for n in range(1, count + 1):
        t, text = task(rng, n, count)
        sub = "archive/tasks" if n % 97 == 0 else rng.choice(folders)
        name = f"task-{n} - {t.replace(' ', '-')}.md"
        with open(os.path.join(out, "backlog", sub, name), "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()

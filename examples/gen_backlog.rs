//! Writes a realistic generated backlog into a fresh git repository, for benchmarks.
//!
//! ```text
//! cargo run --release --example gen_backlog -- --items 10000 --out /tmp/bl10k [--seed 7]
//! ```
//!
//! Every item is about 1 KB: front matter (id, title, type, status, rank, estimate on the
//! default scale, value, WSJF fields, labels, owner, some `depends_on` pointing at earlier
//! items so there are no cycles, sprint, created), a user story "As a …, I want … so that
//! …", two to five acceptance criteria and sometimes a notes section. IDs are `B-XXXX` in
//! Crockford base 32, unique. Output is deterministic for a given `--items` and `--seed`.
//!
//! The files go to `<out>/backlog/`; `<out>` must not exist or be empty. The program then
//! runs `git init`, sets a local identity, commits everything with the git CLI and packs
//! the repository (`git gc`).

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// SplitMix64: small, fast, deterministic; good enough for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, options: &[&'a str]) -> &'a str {
        options[self.below(options.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const ROLES: &[&str] = &[
    "team member",
    "manager",
    "finance admin",
    "workspace owner",
    "new user",
    "auditor",
    "support agent",
    "developer using the API",
    "mobile user",
    "accountant",
];
const VERBS: &[&str] = &[
    "export",
    "approve",
    "submit",
    "review",
    "archive",
    "search",
    "tag",
    "split",
    "import",
    "sync",
    "share",
    "reconcile",
    "filter",
    "schedule",
    "attach",
    "comment on",
];
const OBJECTS: &[&str] = &[
    "expenses",
    "receipts",
    "mileage logs",
    "travel requests",
    "invoices",
    "budgets",
    "payout batches",
    "approval chains",
    "spending reports",
    "cost centres",
    "per diem claims",
    "card transactions",
    "vendor records",
    "project codes",
];
const CONTEXTS: &[&str] = &[
    "from the mobile app",
    "in bulk",
    "by email",
    "with one click",
    "from the dashboard",
    "through the public API",
    "offline",
    "in the home currency",
    "per project",
    "for a whole team",
    "on a schedule",
    "from Slack",
];
const BENEFITS: &[&str] = &[
    "I can close the month without chasing people for paperwork",
    "my team is reimbursed within a week instead of a month",
    "auditors can trace every change back to a person and a date",
    "I do not have to retype numbers from paper receipts",
    "we stop paying for the same purchase twice",
    "finance can forecast spending before the quarter ends",
    "I can answer customer questions without asking engineering",
    "the data in our accounting system always matches the app",
    "new colleagues can get started without a training session",
    "I spend less than five minutes a week on expense admin",
];
const CRITERIA: &[&str] = &[
    "The action is available from the list view and from the detail page.",
    "A confirmation shows how many records were affected, with an undo link for 10 seconds.",
    "Records the user may not see are never included, even when selected by a filter.",
    "The result appears in the web app and the mobile app within 5 seconds.",
    "Errors name the record and the field that caused them.",
    "Works with 10,000 records in under 3 seconds on the reference dataset.",
    "The audit log records who did it, when, and the values before and after.",
    "Amounts keep their original currency and show the converted total next to it.",
    "Keyboard users can complete the whole flow without a mouse.",
    "An admin can switch the feature off for the workspace.",
    "Screen readers announce the outcome of the action.",
    "The export opens without warnings in Excel, Numbers and LibreOffice.",
    "Dates are shown in the user's time zone and stored in UTC.",
    "Rate limits return a 429 with a Retry-After header.",
];
const NOTES: &[&str] = &[
    "Two enterprise customers asked for this during renewal; see the call notes in the CRM.",
    "Design has a first mock-up; check it against the new navigation before building.",
    "Legal needs to confirm the retention period for the exported files.",
    "Consider reusing the batch job runner that the payouts team built last quarter.",
    "Support sees about a dozen tickets a week that this would prevent.",
];
const DETAILS: &[&str] = &[
    "Today this takes several manual steps and people often give up half-way.",
    "The current workaround is a shared spreadsheet that nobody trusts after the first week.",
    "Customers on the business plan mention it in almost every quarterly review.",
    "Competitors already offer this, and sales hears about it in most evaluations.",
    "The data is already in our database; the work is mostly in the interface and the checks.",
    "Mobile usage has doubled since spring, so the flow must work well on small screens.",
    "It must respect the workspace's approval policy and the user's role permissions.",
    "Large workspaces have tens of thousands of records, so paging and progress matter.",
];

const LABELS: &[&str] = &[
    "mobile",
    "web",
    "api",
    "expenses",
    "approvals",
    "reports",
    "integrations",
    "auth",
    "billing",
    "performance",
    "accessibility",
    "compliance",
    "ux",
    "infra",
];
const OWNERS: &[&str] = &[
    "sam", "dana", "lee", "priya", "jonas", "mia", "omar", "chen", "ana", "tom",
];
const STATUSES: &[(&str, usize)] = &[
    ("draft", 40),
    ("ready", 25),
    ("in-progress", 10),
    ("done", 25),
];
const TYPES: &[(&str, usize)] = &[
    ("story", 60),
    ("bug", 15),
    ("task", 12),
    ("spike", 5),
    ("chore", 5),
    ("epic", 3),
];
const SCALE: &[u32] = &[1, 2, 3, 5, 8, 13, 20];
const VALUES: &[u32] = &[1, 2, 3, 5, 8, 13, 20];

fn weighted<'a>(rng: &mut Rng, options: &[(&'a str, usize)]) -> &'a str {
    let total: usize = options.iter().map(|(_, w)| w).sum();
    let mut roll = rng.below(total);
    for (name, weight) in options {
        if roll < *weight {
            return name;
        }
        roll -= weight;
    }
    options[0].0
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

struct Options {
    items: usize,
    out: PathBuf,
    seed: u64,
}

fn parse_args() -> Result<Options, String> {
    let mut items = None;
    let mut out = None;
    let mut seed = 1u64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--items" => {
                items = Some(
                    value("--items")?
                        .parse()
                        .map_err(|e| format!("--items: {e}"))?,
                );
            }
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            "--seed" => {
                seed = value("--seed")?
                    .parse()
                    .map_err(|e| format!("--seed: {e}"))?
            }
            "-h" | "--help" => {
                return Err("usage: gen_backlog --items N --out DIR [--seed S]\n\
                     writes N generated items into DIR/backlog/ of a new git repository"
                    .to_owned());
            }
            other => return Err(format!("unknown argument {other:?} (see --help)")),
        }
    }
    let items: usize = items.ok_or("--items is required")?;
    if items == 0 || items > 1_000_000 {
        return Err("--items must be between 1 and 1000000".to_owned());
    }
    Ok(Options {
        items,
        out: out.ok_or("--out is required")?,
        seed,
    })
}

fn mint_ids(rng: &mut Rng, n: usize) -> Vec<String> {
    let mut taken = HashSet::with_capacity(n);
    let mut ids = Vec::with_capacity(n);
    while ids.len() < n {
        let code: String = (0..4)
            .map(|_| char::from(CROCKFORD[rng.below(32)]))
            .collect();
        let id = format!("B-{code}");
        if taken.insert(id.clone()) {
            ids.push(id);
        }
    }
    ids
}

/// One item file; `index` is its position in creation order, `ids[..index]` are older.
fn item_text(rng: &mut Rng, ids: &[String], index: usize, rank: &str) -> (String, String) {
    let verb = rng.pick(VERBS);
    let object = rng.pick(OBJECTS);
    let context = rng.pick(CONTEXTS);
    let title = capitalize(&format!("{verb} {object} {context}"));
    let kind = weighted(rng, TYPES);
    let status = weighted(rng, STATUSES);
    let mut fm = String::with_capacity(400);
    let _ = writeln!(fm, "id: {}", ids[index]);
    let _ = writeln!(fm, "title: {title}");
    let _ = writeln!(fm, "type: {kind}");
    let _ = writeln!(fm, "status: {status}");
    let _ = writeln!(fm, "rank: {rank}");
    if status != "draft" || rng.chance(40) {
        let _ = writeln!(fm, "estimate: {}", SCALE[rng.below(SCALE.len())]);
    }
    let _ = writeln!(fm, "value: {}", VALUES[rng.below(VALUES.len())]);
    if rng.chance(50) {
        let _ = writeln!(fm, "time_criticality: {}", VALUES[rng.below(VALUES.len())]);
        let _ = writeln!(fm, "risk_reduction: {}", VALUES[rng.below(VALUES.len())]);
    }
    let n_labels = 1 + rng.below(3);
    let mut labels: Vec<&str> = Vec::new();
    while labels.len() < n_labels {
        let l = rng.pick(LABELS);
        if !labels.contains(&l) {
            labels.push(l);
        }
    }
    let _ = writeln!(fm, "labels: [{}]", labels.join(", "));
    if status != "draft" || rng.chance(30) {
        let _ = writeln!(fm, "owner: {}", rng.pick(OWNERS));
    }
    if index > 0 && rng.chance(20) {
        let n = 1 + rng.below(2);
        let mut deps: Vec<&str> = Vec::new();
        for _ in 0..n {
            // Mostly recent items, so dependency chains look like real feature work.
            let back = 1 + rng.below(index.min(200));
            let dep = ids[index - back].as_str();
            if !deps.contains(&dep) {
                deps.push(dep);
            }
        }
        let _ = writeln!(fm, "depends_on: [{}]", deps.join(", "));
    }
    if matches!(status, "in-progress" | "done") {
        let _ = writeln!(fm, "sprint: 2026-S{:02}", 1 + rng.below(24));
    }
    let day = index * 700 / ids.len().max(1);
    let created = backlog::text::date::parse_days("2025-01-01").unwrap_or(0) + day as i64;
    let _ = writeln!(fm, "created: {}", backlog::text::date::format_days(created));

    let mut body = String::with_capacity(700);
    let _ = writeln!(
        body,
        "As a {}, I want to {verb} {object} {context} so that {}.",
        rng.pick(ROLES),
        rng.pick(BENEFITS)
    );
    body.push('\n');
    let first = rng.below(DETAILS.len());
    let n_details = 3 + rng.below(2);
    for k in 0..n_details {
        if k > 0 {
            body.push(' ');
        }
        body.push_str(DETAILS[(first + k * 3) % DETAILS.len()]);
    }
    body.push('\n');
    body.push_str("\n## Acceptance criteria\n");
    let n_criteria = 2 + rng.below(4);
    let start = rng.below(CRITERIA.len());
    for k in 0..n_criteria {
        let done = status == "done" || (status == "in-progress" && rng.chance(50));
        let _ = writeln!(
            body,
            "- [{}] {}",
            if done { "x" } else { " " },
            CRITERIA[(start + k * 3) % CRITERIA.len()]
        );
    }
    if rng.chance(70) {
        let _ = write!(body, "\n## Notes\n{}\n", rng.pick(NOTES));
    }
    let file = format!("{}-{}.md", ids[index], backlog::text::slugify(&title));
    (file, format!("---\n{fm}---\n{body}"))
}

fn git(dir: &Path, args: &[&str]) -> Result<(), String> {
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_DATE", "@1767225600 +0000")
        .env("GIT_COMMITTER_DATE", "@1767225600 +0000")
        .status()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("git {} failed ({status})", args.join(" ")))
    }
}

/// Writes `items` generated item files (and a README.md) into `dir`, creating it; returns
/// the number of bytes written. Deterministic for a given `items` and `seed`; the snapshot
/// tests (`tests/cli/snapshots.rs`) include this file to build a small generated backlog.
pub(crate) fn write_backlog(dir: &Path, items: usize, seed: u64) -> Result<usize, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut rng = Rng(seed ^ 0x005E_ED0F_BAC1_0600);
    let ids = mint_ids(&mut rng, items);
    let ranks =
        backlog::rank::n_keys_between(None, None, items).map_err(|e| format!("rank keys: {e}"))?;
    // Backlog order is not creation order: shuffle which item gets which rank.
    let mut order: Vec<usize> = (0..items).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.below(i + 1));
    }
    let mut bytes = 0usize;
    for index in 0..items {
        let (file, text) = item_text(&mut rng, &ids, index, &ranks[order[index]]);
        bytes += text.len();
        std::fs::write(dir.join(&file), text).map_err(|e| format!("{file}: {e}"))?;
    }
    std::fs::write(
        dir.join("README.md"),
        "# Backlog\n\nGenerated by `cargo run --example gen_backlog` for benchmarks.\n",
    )
    .map_err(|e| format!("README.md: {e}"))?;
    Ok(bytes)
}

fn run(opts: &Options) -> Result<(), String> {
    if opts.out.exists()
        && std::fs::read_dir(&opts.out)
            .map_err(|e| format!("{}: {e}", opts.out.display()))?
            .next()
            .is_some()
    {
        return Err(format!("{} exists and is not empty", opts.out.display()));
    }
    let dir = opts.out.join("backlog");
    let bytes = write_backlog(&dir, opts.items, opts.seed)?;
    git(&opts.out, &["init", "-q", "-b", "main"])?;
    git(&opts.out, &["config", "user.name", "Bench"])?;
    git(&opts.out, &["config", "user.email", "bench@example.com"])?;
    git(&opts.out, &["add", "-A"])?;
    git(
        &opts.out,
        &["-c", "gc.auto=0", "commit", "-q", "-m", "Generated backlog"],
    )?;
    // A real repository of this size is packed; 100k loose objects would also make the
    // next `git commit` start a background `gc --auto` that skews any timing.
    git(&opts.out, &["gc", "-q"])?;
    eprintln!(
        "wrote {} items ({} bytes, {} per item) to {}",
        opts.items,
        bytes,
        bytes / opts.items,
        dir.display()
    );
    Ok(())
}

fn main() -> ExitCode {
    let opts = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match run(&opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

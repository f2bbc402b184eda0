//! Likely duplicates: TF-IDF cosine similarity over the words and word pairs (2-shingles)
//! of each item's title, story and acceptance criteria.
//!
//! Comparing every pair is quadratic (50 million pairs at 10,000 items), so candidates
//! come from an inverted index instead: each item is indexed under its few rarest terms
//! (prefix filtering), terms shared by more than a small fraction of the items are skipped
//! as too common to signal anything, and only items that share an indexed term are scored.
//! Two near-duplicates share most of their terms, in particular their rare ones, so they
//! meet in some posting list; unrelated items rarely do.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::store::Entry;

/// The text of one item to compare.
#[derive(Debug, Clone, Default)]
pub struct DupeInput {
    /// Item ID.
    pub id: String,
    /// Title (weighted twice).
    pub title: String,
    /// User story paragraph.
    pub story: String,
    /// Acceptance criteria.
    pub criteria: Vec<String>,
}

impl DupeInput {
    /// The comparable text of an entry.
    pub fn from_entry(entry: &Entry) -> Self {
        let body = crate::item::Body::parse(entry.doc.body(), entry.doc.body_line());
        Self {
            id: entry.item.id.clone(),
            title: entry.item.title.clone(),
            story: body.story.unwrap_or_default(),
            criteria: body.criteria.into_iter().map(|c| c.text).collect(),
        }
    }
}

/// The open items of a backlog (closed ones — done, split, duplicate — are skipped).
pub fn inputs(entries: &[Entry], config: &Config) -> Vec<DupeInput> {
    entries
        .par_iter()
        .filter(|e| config.is_open(&e.item))
        .map(DupeInput::from_entry)
        .collect()
}

/// Tuning knobs.
#[derive(Debug, Clone)]
pub struct DupeOptions {
    /// Report pairs scoring at least this (0..=1).
    pub threshold: f64,
    /// How many of each item's rarest terms go into the candidate index.
    pub prefix_terms: usize,
    /// Terms in more than this fraction of the items are not indexed…
    pub common_fraction: f64,
    /// …unless they are in at most this many items.
    pub common_floor: usize,
    /// Terms in more items than this are never indexed, however large the backlog: a
    /// term shared by `d` items costs `d²/2` candidate pairs, so a cap that grew with the
    /// backlog made 100k items quadratic again.
    pub common_cap: usize,
}

impl Default for DupeOptions {
    fn default() -> Self {
        Self {
            threshold: 0.5,
            prefix_terms: 8,
            common_fraction: 0.02,
            common_floor: 50,
            common_cap: 200,
        }
    }
}

/// A likely duplicate pair; `a` comes before `b` in the input (backlog) order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pair {
    /// The first item's ID.
    pub a: String,
    /// The second item's ID.
    pub b: String,
    /// Cosine similarity, 0..=1.
    pub score: f64,
}

/// The result of a search.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Pairs at or above the threshold, highest score first.
    pub pairs: Vec<Pair>,
    /// Items compared.
    pub items: usize,
    /// Candidate pairs scored (compare with `items * (items - 1) / 2`).
    pub candidates: usize,
}

const STOPWORDS: &[&str] = &[
    "a", "about", "after", "all", "an", "and", "any", "are", "as", "at", "be", "been", "but", "by",
    "can", "do", "does", "for", "from", "get", "has", "have", "i", "if", "in", "into", "is", "it",
    "its", "me", "more", "my", "no", "not", "of", "on", "or", "our", "so", "some", "that", "the",
    "their", "them", "then", "there", "these", "they", "this", "to", "up", "us", "was", "we",
    "when", "which", "will", "with", "without", "want", "able", "given", "should", "you", "your",
];

/// Lower-cased word tokens without stop words, plurals folded (`items` → `item`).
pub fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 2 && !STOPWORDS.contains(&w.as_str()))
        .map(|w| fold_plural(&w))
        .collect()
}

fn fold_plural(w: &str) -> String {
    if w.len() > 4 && w.ends_with("ies") {
        format!("{}y", &w[..w.len() - 3])
    } else if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") {
        w[..w.len() - 1].to_owned()
    } else {
        w.to_owned()
    }
}

/// Term counts of one item: words and adjacent word pairs of each field, title twice.
fn term_counts(input: &DupeInput) -> HashMap<String, u32> {
    let mut counts: HashMap<String, u32> = HashMap::new();
    let mut add_field = |text: &str, weight: u32| {
        let toks = tokens(text);
        for t in &toks {
            *counts.entry(t.clone()).or_default() += weight;
        }
        for pair in toks.windows(2) {
            *counts
                .entry(format!("{} {}", pair[0], pair[1]))
                .or_default() += weight;
        }
    };
    add_field(&input.title, 2);
    add_field(&input.story, 1);
    for c in &input.criteria {
        add_field(c, 1);
    }
    counts
}

/// Finds likely duplicates among `inputs`.
pub fn find(inputs: &[DupeInput], opts: &DupeOptions) -> Report {
    let n = inputs.len();
    // 1. Terms per item, interned to dense IDs.
    let counts: Vec<HashMap<String, u32>> = inputs.par_iter().map(term_counts).collect();
    let mut vocab: HashMap<&str, u32> = HashMap::new();
    let mut names: Vec<&str> = Vec::new();
    let mut df: Vec<u32> = Vec::new();
    let mut docs: Vec<Vec<(u32, u32)>> = Vec::with_capacity(n);
    for c in &counts {
        let mut terms: Vec<(u32, u32)> = Vec::with_capacity(c.len());
        for (term, &tf) in c {
            let next = u32::try_from(vocab.len()).unwrap_or(u32::MAX);
            let id = *vocab.entry(term.as_str()).or_insert(next);
            if id as usize == df.len() {
                df.push(0);
                names.push(term.as_str());
            }
            df[id as usize] += 1;
            terms.push((id, tf));
        }
        terms.sort_unstable();
        docs.push(terms);
    }
    // 2. TF-IDF vectors, L2-normalized, sorted by term ID.
    let nf = n as f64;
    let idf: Vec<f64> = df
        .iter()
        .map(|&d| ((1.0 + nf) / (1.0 + f64::from(d))).ln() + 1.0)
        .collect();
    let vectors: Vec<Vec<(u32, f64)>> = docs
        .par_iter()
        .map(|terms| {
            let mut v: Vec<(u32, f64)> = terms
                .iter()
                .map(|&(t, tf)| (t, (1.0 + f64::from(tf).ln()) * idf[t as usize]))
                .collect();
            let norm = v.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
            if norm > 0.0 {
                for (_, w) in &mut v {
                    *w /= norm;
                }
            }
            v
        })
        .collect();
    // 3. Inverted index over each item's rarest, not-too-common terms.
    let max_df =
        opts.common_floor
            .max(((opts.common_fraction * nf).ceil() as usize).min(opts.common_cap)) as u32;
    let mut postings: HashMap<u32, Vec<u32>> = HashMap::new();
    let mut indexed: Vec<Vec<u32>> = Vec::with_capacity(n);
    for (i, terms) in docs.iter().enumerate() {
        let mut rare: Vec<u32> = terms
            .iter()
            .map(|&(t, _)| t)
            .filter(|&t| df[t as usize] >= 2 && df[t as usize] <= max_df)
            .collect();
        // Ties broken by the term itself, so the result does not depend on hash order.
        rare.sort_unstable_by_key(|&t| (df[t as usize], names[t as usize]));
        rare.truncate(opts.prefix_terms);
        for &t in &rare {
            postings.entry(t).or_default().push(i as u32);
        }
        indexed.push(rare);
    }
    // 4. Candidate pairs, item by item in parallel: the later items that share one of
    //    its indexed terms (a pair is found from its first item only). Nothing global is
    //    materialized, so memory stays per item.
    let candidates = std::sync::atomic::AtomicUsize::new(0);
    let mut pairs: Vec<(u32, u32, f64)> = (0..n)
        .into_par_iter()
        .flat_map_iter(|a| {
            let mut others: Vec<u32> = indexed[a]
                .iter()
                .flat_map(|t| postings[t].iter().copied())
                .filter(|&b| b as usize > a)
                .collect();
            others.sort_unstable();
            others.dedup();
            candidates.fetch_add(others.len(), std::sync::atomic::Ordering::Relaxed);
            let va = &vectors[a];
            others
                .into_iter()
                .filter_map(|b| {
                    let s = cosine(va, &vectors[b as usize]);
                    (s >= opts.threshold).then_some((a as u32, b, s))
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let candidates = candidates.into_inner();
    pairs.sort_by(|x, y| y.2.total_cmp(&x.2).then(x.0.cmp(&y.0)).then(x.1.cmp(&y.1)));
    Report {
        pairs: pairs
            .into_iter()
            .map(|(a, b, score)| Pair {
                a: inputs[a as usize].id.clone(),
                b: inputs[b as usize].id.clone(),
                score: (score.min(1.0) * 1000.0).round() / 1000.0,
            })
            .collect(),
        items: n,
        candidates,
    }
}

/// Dot product of two normalized sparse vectors sorted by term.
fn cosine(a: &[(u32, f64)], b: &[(u32, f64)]) -> f64 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

/// A deterministic generator of realistic, mostly unrelated items (for tests and the
/// `bench_dupes` example): titles, user stories and criteria drawn from a vocabulary.
pub mod generate {
    use super::DupeInput;

    const NOUNS: &[&str] = &[
        "invoice",
        "report",
        "dashboard",
        "account",
        "password",
        "profile",
        "order",
        "cart",
        "payment",
        "refund",
        "shipment",
        "address",
        "coupon",
        "review",
        "rating",
        "search",
        "filter",
        "export",
        "import",
        "notification",
        "email",
        "message",
        "comment",
        "upload",
        "download",
        "file",
        "folder",
        "image",
        "video",
        "playlist",
        "calendar",
        "event",
        "reminder",
        "task",
        "project",
        "team",
        "member",
        "role",
        "permission",
        "token",
        "session",
        "login",
        "logout",
        "subscription",
        "plan",
        "trial",
        "receipt",
        "tax",
        "currency",
        "language",
        "timezone",
        "theme",
        "setting",
        "widget",
        "chart",
        "table",
        "column",
        "row",
        "backup",
        "restore",
        "audit",
        "log",
        "webhook",
        "api",
        "integration",
        "sso",
        "invite",
        "onboarding",
        "tutorial",
        "tooltip",
        "banner",
        "survey",
        "feedback",
        "ticket",
        "queue",
        "worker",
        "cache",
        "index",
        "tag",
        "label",
        "category",
        "bundle",
        "discount",
        "voucher",
        "warehouse",
        "stock",
        "supplier",
        "contract",
        "quote",
        "lead",
        "pipeline",
        "forecast",
        "budget",
        "expense",
        "timesheet",
        "shift",
        "schedule",
        "booking",
        "room",
        "seat",
        "ticketing",
        "map",
        "route",
        "driver",
        "vehicle",
        "sensor",
        "alert",
        "threshold",
        "metric",
        "kpi",
        "goal",
        "badge",
        "leaderboard",
        "streak",
    ];
    const VERBS: &[&str] = &[
        "create",
        "edit",
        "delete",
        "archive",
        "share",
        "export",
        "import",
        "filter",
        "sort",
        "search",
        "approve",
        "reject",
        "assign",
        "schedule",
        "cancel",
        "pause",
        "resume",
        "merge",
        "split",
        "duplicate",
        "preview",
        "print",
        "sync",
        "validate",
        "verify",
        "configure",
        "translate",
        "rename",
        "move",
        "copy",
        "tag",
        "pin",
        "favorite",
        "subscribe",
        "unsubscribe",
        "notify",
        "remind",
        "track",
        "compare",
        "summarize",
    ];
    const ROLES: &[&str] = &[
        "shopper",
        "admin",
        "manager",
        "accountant",
        "driver",
        "support agent",
        "guest",
        "new customer",
        "team lead",
        "auditor",
        "editor",
        "dispatcher",
        "analyst",
        "teacher",
    ];
    const QUALIFIERS: &[&str] = &[
        "in bulk",
        "on mobile",
        "offline",
        "for last month",
        "by date",
        "by owner",
        "with one click",
        "from the sidebar",
        "as PDF",
        "as CSV",
        "in real time",
        "for my team",
        "across projects",
        "per region",
        "with a preview",
        "before saving",
    ];

    /// A small deterministic pseudo-random generator (xorshift64*).
    #[derive(Debug, Clone)]
    pub struct Rng(u64);

    impl Rng {
        /// Seeds the generator (0 is replaced).
        pub fn new(seed: u64) -> Self {
            Self(seed.max(1))
        }

        /// The next number below `n`.
        pub fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n.max(1)
        }

        /// A random element.
        pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
            xs[self.below(xs.len())]
        }
    }

    /// One generated item.
    pub fn item(rng: &mut Rng, id: String) -> DupeInput {
        let verb = rng.pick(VERBS);
        let noun = rng.pick(NOUNS);
        let noun2 = rng.pick(NOUNS);
        let qual = rng.pick(QUALIFIERS);
        let role = rng.pick(ROLES);
        let title = format!("{} {noun} {} {qual}", capitalize(verb), rng.pick(NOUNS));
        let story = format!(
            "As a {role}, I want to {verb} the {noun} of a {noun2} {qual} so that the {} {} stays {}.",
            rng.pick(NOUNS),
            rng.pick(NOUNS),
            rng.pick(&[
                "accurate",
                "current",
                "visible",
                "consistent",
                "private",
                "fast"
            ]),
        );
        let criteria = (0..2 + rng.below(3))
            .map(|_| {
                format!(
                    "When I {} a {} the {} shows the {} {}",
                    rng.pick(VERBS),
                    rng.pick(NOUNS),
                    rng.pick(NOUNS),
                    rng.pick(NOUNS),
                    rng.pick(QUALIFIERS),
                )
            })
            .collect();
        DupeInput {
            id,
            title,
            story,
            criteria,
        }
    }

    /// `n` items `B-0000`… with item `dup_of.1` a reworded copy of item `dup_of.0`.
    pub fn backlog(n: usize, seed: u64, dup_of: (usize, usize)) -> Vec<DupeInput> {
        let mut rng = Rng::new(seed);
        let mut items: Vec<DupeInput> = (0..n)
            .map(|i| item(&mut rng, format!("B-{i:04}")))
            .collect();
        let (orig, copy) = dup_of;
        if orig < n && copy < n && orig != copy {
            let src = items[orig].clone();
            let mut criteria = src.criteria.clone();
            criteria.reverse();
            if let Some(first) = criteria.first_mut() {
                *first = first.replacen("When I", "Once I", 1);
            }
            items[copy] = DupeInput {
                id: items[copy].id.clone(),
                title: format!("{} (again)", src.title.replacen(' ', " the ", 1)),
                story: src.story.replace("so that", "in order that"),
                criteria,
            };
        }
        items
    }

    fn capitalize(s: &str) -> String {
        let mut c = s.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(id: &str, title: &str, story: &str, criteria: &[&str]) -> DupeInput {
        DupeInput {
            id: id.to_owned(),
            title: title.to_owned(),
            story: story.to_owned(),
            criteria: criteria.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn test_tokens_fold_and_drop_stopwords() {
        assert_eq!(
            tokens("As a user, I want the Invoices exported to CSV-files!"),
            ["user", "invoice", "exported", "csv", "file"]
        );
        assert_eq!(
            tokens("categories address status"),
            ["category", "address", "status"]
        );
    }

    #[test]
    fn test_find_scores_identical_high_and_unrelated_low() {
        let items = vec![
            input(
                "B-1",
                "Export invoices to CSV",
                "As a clerk, I want CSV exports.",
                &["A CSV file downloads"],
            ),
            input(
                "B-2",
                "Reset a forgotten password",
                "As a user, I want to reset it.",
                &["An email arrives"],
            ),
            input(
                "B-3",
                "Export the invoices as CSV",
                "As a clerk, I want CSV exports.",
                &["The CSV file downloads"],
            ),
            input("B-4", "Dark mode", "", &[]),
        ];
        let opts = DupeOptions {
            threshold: 0.0,
            ..DupeOptions::default()
        };
        let report = find(&items, &opts);
        assert_eq!(report.items, 4);
        let top = &report.pairs[0];
        assert_eq!((top.a.as_str(), top.b.as_str()), ("B-1", "B-3"));
        assert!(top.score > 0.6, "{top:?}");
        assert!(report.pairs.iter().all(|p| p.a != "B-4" && p.b != "B-4"));
        let strict = find(&items, &DupeOptions::default());
        assert_eq!(strict.pairs.len(), 1);
    }

    #[test]
    fn test_find_ranks_planted_pair_first_among_1000() {
        let items = generate::backlog(1000, 42, (123, 871));
        let report = find(&items, &DupeOptions::default());
        let top = &report.pairs[0];
        assert_eq!(
            (top.a.as_str(), top.b.as_str()),
            ("B-0123", "B-0871"),
            "{:?}",
            &report.pairs[..3.min(report.pairs.len())]
        );
        if let Some(second) = report.pairs.get(1) {
            assert!(second.score < top.score, "{second:?} ties the planted pair");
        }
        // Candidate generation prunes: far fewer than all 499,500 pairs are scored.
        assert!(
            report.candidates < 1000 * 999 / 2 / 5,
            "{} candidates",
            report.candidates
        );
    }

    #[test]
    fn test_find_handles_empty_and_tiny_inputs() {
        assert!(find(&[], &DupeOptions::default()).pairs.is_empty());
        let one = vec![input("B-1", "Alone", "", &[])];
        assert!(find(&one, &DupeOptions::default()).pairs.is_empty());
        let blank = vec![input("B-1", "", "", &[]), input("B-2", "", "", &[])];
        assert!(find(&blank, &DupeOptions::default()).pairs.is_empty());
    }
}

//! `estimate ID --vote NAME=POINTS…`: a planning-poker round.
//!
//! Votes agree when they are all equal, or — with `estimation: {consensus: adjacent}` —
//! when they lie within one step of the scale, in which case the higher value is taken
//! (the team errs towards the larger estimate). Agreement sets the estimate and records
//! the votes in the commit message body. Diverging votes write nothing: the caller shows
//! the spread and the lowest and highest voters, who explain their reasoning next.

use crate::config::{Config, Consensus};
use crate::ops::{OpError, Outcome, estimate};
use crate::store::Entry;

/// One voter's card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vote {
    /// Who voted.
    pub name: String,
    /// Story points, on the scale.
    pub points: u32,
}

/// Parses `NAME=POINTS`; the points must be on the scale.
pub fn parse_vote(text: &str, config: &Config) -> Result<Vote, OpError> {
    let Some((name, points)) = text.split_once('=') else {
        return Err(OpError::BadArgument(format!(
            "vote {text:?} must look like NAME=POINTS (for example dana=5)"
        )));
    };
    let name = name.trim();
    if name.is_empty() || name.chars().any(char::is_control) {
        return Err(OpError::BadArgument(format!(
            "vote {text:?} needs a voter name before `=` (one line, no control characters)"
        )));
    }
    let points_text = points.trim();
    let points = points_text
        .parse::<u32>()
        .ok()
        .filter(|p| config.on_scale(*p))
        .ok_or_else(|| {
            OpError::BadArgument(format!(
                "{name}'s vote {points_text:?} is not on the estimate scale ({})",
                config.scale_text()
            ))
        })?;
    Ok(Vote {
        name: name.to_owned(),
        points,
    })
}

/// How far apart the votes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spread {
    /// The lowest vote.
    pub low: u32,
    /// The highest vote.
    pub high: u32,
    /// Who voted lowest.
    pub lowest: Vec<String>,
    /// Who voted highest.
    pub highest: Vec<String>,
    /// Distance between lowest and highest in steps of the scale.
    pub steps: usize,
}

/// The result of counting the votes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tally {
    /// The votes agree on this estimate.
    Agreed(u32),
    /// The votes diverge.
    Diverged(Spread),
}

/// Counts votes under the configured consensus rule. Needs at least one vote, each on
/// the scale, and one vote per voter.
pub fn tally(votes: &[Vote], config: &Config) -> Result<Tally, OpError> {
    if votes.is_empty() {
        return Err(OpError::Refused(
            "a round needs at least one vote".to_owned(),
        ));
    }
    for (i, v) in votes.iter().enumerate() {
        if votes[..i]
            .iter()
            .any(|w| w.name.eq_ignore_ascii_case(&v.name))
        {
            return Err(OpError::Refused(format!("{} voted twice", v.name)));
        }
    }
    let mut scale = config.estimate_scale.clone();
    scale.sort_unstable();
    scale.dedup();
    let step = |p: u32| -> Result<usize, OpError> {
        scale.binary_search(&p).map_err(|_| OpError::OffScale {
            points: p.to_string(),
            scale: config.scale_text(),
        })
    };
    let low = votes.iter().map(|v| v.points).min().unwrap_or_default();
    let high = votes.iter().map(|v| v.points).max().unwrap_or_default();
    let steps = step(high)? - step(low)?;
    let agreed = match config.estimation.consensus {
        Consensus::Unanimous => steps == 0,
        Consensus::Adjacent => steps <= 1,
    };
    if agreed {
        return Ok(Tally::Agreed(high));
    }
    let names = |p: u32| -> Vec<String> {
        votes
            .iter()
            .filter(|v| v.points == p)
            .map(|v| v.name.clone())
            .collect()
    };
    Ok(Tally::Diverged(Spread {
        low,
        high,
        lowest: names(low),
        highest: names(high),
        steps,
    }))
}

/// A counted round: the tally, and the change to record when the votes agreed.
#[derive(Debug, Clone)]
pub struct Round {
    /// What the votes say.
    pub tally: Tally,
    /// The estimate change (`None` when the votes diverge).
    pub outcome: Option<Outcome>,
}

/// Counts the votes for `entry`; on agreement, sets the estimate with the votes in the
/// commit message body.
pub fn estimate_votes(entry: Entry, votes: &[Vote], config: &Config) -> Result<Round, OpError> {
    let tally = tally(votes, config)?;
    let Tally::Agreed(points) = tally else {
        return Ok(Round {
            tally,
            outcome: None,
        });
    };
    let mut outcome = estimate(entry, &points.to_string(), config)?;
    if !outcome.change.is_empty() {
        let rule = match config.estimation.consensus {
            Consensus::Unanimous => "unanimous",
            Consensus::Adjacent => "within one step, higher value taken",
        };
        outcome.change.summary.push_str(&format!(
            " ({} vote{})",
            votes.len(),
            if votes.len() == 1 { "" } else { "s" }
        ));
        outcome
            .change
            .body
            .push(format!("Planning-poker votes ({rule}):"));
        for v in votes {
            outcome
                .change
                .body
                .push(format!("- {}: {}", v.name, v.points));
        }
    }
    Ok(Round {
        tally,
        outcome: Some(outcome),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Estimation;
    use crate::document::Document;
    use crate::item::Item;

    fn votes(spec: &[(&str, u32)]) -> Vec<Vote> {
        spec.iter()
            .map(|(n, p)| Vote {
                name: (*n).to_owned(),
                points: *p,
            })
            .collect()
    }

    fn adjacent() -> Config {
        Config {
            estimation: Estimation {
                consensus: Consensus::Adjacent,
            },
            ..Config::default()
        }
    }

    #[test]
    fn test_parse_vote() {
        let c = Config::default();
        assert_eq!(
            parse_vote(" dana = 5 ", &c).unwrap(),
            Vote {
                name: "dana".to_owned(),
                points: 5
            }
        );
        for bad in ["dana", "=5", "dana=4", "dana=x", "dana=-1", "da\u{1b}na=5"] {
            assert!(parse_vote(bad, &c).is_err(), "{bad}");
        }
        let msg = parse_vote("lee=4", &c).unwrap_err().to_string();
        assert!(
            msg.contains("lee") && msg.contains("not on the estimate scale"),
            "{msg}"
        );
    }

    #[test]
    fn test_tally_unanimous() {
        let c = Config::default();
        assert_eq!(
            tally(&votes(&[("a", 5), ("b", 5)]), &c).unwrap(),
            Tally::Agreed(5)
        );
        let Tally::Diverged(s) =
            tally(&votes(&[("a", 3), ("b", 5), ("c", 13), ("d", 3)]), &c).unwrap()
        else {
            panic!("should diverge");
        };
        assert_eq!((s.low, s.high, s.steps), (3, 13, 3));
        assert_eq!(s.lowest, ["a", "d"]);
        assert_eq!(s.highest, ["c"]);
        assert!(tally(&votes(&[("a", 3), ("A", 5)]), &c).is_err());
        assert!(tally(&[], &c).is_err());
    }

    #[test]
    fn test_tally_adjacent_takes_higher() {
        let c = adjacent();
        assert_eq!(
            tally(&votes(&[("a", 3), ("b", 5), ("c", 5)]), &c).unwrap(),
            Tally::Agreed(5)
        );
        assert!(matches!(
            tally(&votes(&[("a", 3), ("b", 8)]), &c).unwrap(),
            Tally::Diverged(Spread { steps: 2, .. })
        ));
    }

    fn entry() -> Entry {
        let doc = Document::parse(b"---\nid: B-1\ntitle: T\nestimate: 3\n---\n").unwrap();
        let item = Item::from_document(&doc).unwrap();
        Entry {
            path: "backlog/B-1.md".to_owned(),
            doc,
            item,
        }
    }

    #[test]
    fn test_estimate_votes_records_votes_in_body() {
        let round = estimate_votes(
            entry(),
            &votes(&[("ana", 5), ("bo", 5)]),
            &Config::default(),
        )
        .unwrap();
        let out = round.outcome.unwrap();
        assert_eq!(out.items[0].item.estimate, Some(5));
        assert_eq!(out.change.summary, "estimate B-1: 3 -> 5 (2 votes)");
        assert_eq!(
            out.change.body,
            ["Planning-poker votes (unanimous):", "- ana: 5", "- bo: 5"]
        );
        let round = estimate_votes(
            entry(),
            &votes(&[("ana", 2), ("bo", 8)]),
            &Config::default(),
        )
        .unwrap();
        assert!(round.outcome.is_none());
    }
}

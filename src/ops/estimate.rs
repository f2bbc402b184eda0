//! `estimate ID POINTS`: set story points on the configured scale.
//!
//! A closed item is refused: the points of a `split` item moved to its children, and a
//! `duplicate`'s work is the item it was merged into. A done item is re-estimated with a
//! warning ([`estimate_warning`]): correcting a figure after the fact is legitimate, but it
//! changes the velocity the item counted for.

use crate::config::{Config, DUPLICATE, SPLIT};
use crate::document::FieldValue;
use crate::ops::{OpError, Outcome, refresh};
use crate::store::Entry;
use crate::workspace::Change;

/// Sets `entry`'s estimate to `points`, which must be on the scale.
pub fn estimate(entry: Entry, points: &str, config: &Config) -> Result<Outcome, OpError> {
    let off_scale = || OpError::OffScale {
        points: points.to_owned(),
        scale: config.scale_text(),
    };
    let value: u32 = points.trim().parse().map_err(|_| {
        if points.trim().bytes().all(|b| b.is_ascii_digit()) && !points.trim().is_empty() {
            off_scale()
        } else {
            OpError::BadArgument(format!(
                "{:?} is not a number of story points; the scale is {}",
                points,
                config.scale_text()
            ))
        }
    })?;
    if !config.on_scale(value) {
        return Err(off_scale());
    }
    refuse_closed(&entry, config)?;
    let old = entry.item.estimate;
    let mut entry = entry;
    let changed = entry
        .doc
        .set("estimate", &FieldValue::Int(i64::from(value)));
    let id = entry.item.id.clone();
    let entry = refresh(entry)?;
    let change = if changed {
        Change {
            op: "estimate".to_owned(),
            summary: format!(
                "estimate {id}: {} -> {value}",
                old.map_or_else(|| "none".to_owned(), |o| o.to_string())
            ),
            items: vec![id],
            writes: vec![(entry.path.clone(), entry.doc.as_str().to_owned())],
            ..Change::default()
        }
    } else {
        Change::default()
    };
    Ok(Outcome {
        change,
        items: vec![entry],
    })
}

/// Refuses to estimate a `split` or `duplicate` item, saying what to estimate instead.
fn refuse_closed(entry: &Entry, config: &Config) -> Result<(), OpError> {
    let id = &entry.item.id;
    match config.status(&entry.item) {
        SPLIT => Err(OpError::RefusedWithHints {
            message: format!("{id} is closed (split): its points moved to its children"),
            hints: vec![format!(
                "estimate its children instead (`backlog show {id}` lists them)"
            )],
        }),
        DUPLICATE => Err(OpError::RefusedWithHints {
            message: format!("{id} is closed (duplicate): its work is tracked elsewhere"),
            hints: vec![match &entry.item.duplicate_of {
                Some(keep) => format!("estimate {keep} instead, the item it was merged into"),
                None => format!("reopen {id} first if it is work to do"),
            }],
        }),
        _ => Ok(()),
    }
}

/// What `estimate` says besides doing it: re-estimating a done item changes the velocity
/// it counted for.
pub fn estimate_warning(entry: &Entry, config: &Config) -> Option<String> {
    let status = config.status(&entry.item);
    config.is_done_status(status).then(|| {
        format!(
            "{} is already {status}: its new estimate changes the velocity it counted for",
            entry.item.id
        )
    })
}

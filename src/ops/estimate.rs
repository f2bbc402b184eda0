//! `estimate ID POINTS`: set story points on the configured scale.

use crate::config::Config;
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

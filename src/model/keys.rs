//! The front-matter keys the tool knows ([`KNOWN_KEYS`]) against the ones a file has: a
//! key that is not known is kept as it is, but a near miss of a known one is most likely
//! a typo (`stauts`), which `set` warns about and `check`'s `unknown-key` rule reports.

use super::item::KNOWN_KEYS;

/// Longest edit distance at which a known key is suggested for an unknown one.
const MAX_KEY_DISTANCE: usize = 2;

/// A front-matter key that is not one of the known keys, with the closest known key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownKey {
    /// The key as written.
    pub key: String,
    /// The known key it is probably a misspelling of.
    pub suggestion: Option<&'static str>,
}

impl std::fmt::Display for UnknownKey {
    /// `unknown key `stauts`: did you mean `status`?` (or the list of known keys).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown key `{}`", self.key)?;
        match self.suggestion {
            Some(s) => write!(f, ": did you mean `{s}`?"),
            None => write!(f, " (kept as it is; known keys: {})", KNOWN_KEYS.join(", ")),
        }
    }
}

/// `Some` when `key` is not a known front-matter key: unknown keys are allowed (kept as
/// they are), but a near miss of a known one is most likely a typo.
pub fn unknown_key(key: &str) -> Option<UnknownKey> {
    if KNOWN_KEYS.contains(&key) {
        return None;
    }
    let lower = key.to_ascii_lowercase().replace('-', "_");
    let suggestion = KNOWN_KEYS
        .iter()
        .map(|k| (crate::text::edit_distance(&lower, k), *k))
        .filter(|(d, k)| *d <= MAX_KEY_DISTANCE.min(k.len() / 2) || lower == *k)
        .min()
        .map(|(_, k)| k);
    Some(UnknownKey {
        key: key.to_owned(),
        suggestion,
    })
}

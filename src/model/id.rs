//! Item IDs: minted merge-safe, matched case-insensitively and by unique prefix.
//!
//! Two branches that add items in parallel never coordinate, so IDs cannot be sequential.
//! A minted ID is the configured prefix, a dash and random Crockford base-32 characters
//! (four, or more when four are already taken in this checkout). Hand-written IDs of other
//! shapes (`TASK-24`, `BACK-24.1`) are valid as they are.

use std::collections::HashSet;

/// Crockford's base-32 alphabet: no I, L, O or U, so IDs survive being read aloud.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Mints a new ID that is not in `taken` (compared case-insensitively).
pub fn mint(prefix: &str, taken: &HashSet<String>) -> String {
    let mut len = 4;
    loop {
        for _ in 0..16 {
            let candidate = format!("{prefix}-{}", random_crockford(len));
            if !taken.contains(&candidate.to_ascii_uppercase()) {
                return candidate;
            }
        }
        len += 1;
    }
}

fn random_crockford(len: usize) -> String {
    let mut bytes = vec![0u8; len];
    if getrandom::fill(&mut bytes).is_err() {
        // No OS randomness: fall back to the clock and process id, still unique enough
        // for the collision check in `mint` to finish the job.
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
            ^ u128::from(std::process::id());
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = (seed >> ((i * 5) % 120)) as u8;
        }
    }
    bytes
        .iter()
        .map(|b| char::from(CROCKFORD[usize::from(b & 31)]))
        .collect()
}

/// Whether `id` is acceptable as an item ID: starts with a letter or digit, then letters,
/// digits, `-`, `_` or `.`, at most 64 characters.
pub fn is_valid(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id.starts_with(|c: char| c.is_ascii_alphanumeric())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Normalizes an ID for comparison.
pub fn key(id: &str) -> String {
    id.to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_mint_shape() {
        let id = mint("B", &HashSet::new());
        assert_eq!(id.len(), 6);
        assert!(id.starts_with("B-"));
        assert!(id[2..].bytes().all(|b| CROCKFORD.contains(&b)));
    }

    #[test]
    fn test_mint_avoids_taken() {
        let mut taken = HashSet::new();
        for _ in 0..2000 {
            let id = mint("B", &taken);
            assert!(taken.insert(key(&id)));
        }
    }

    #[test]
    fn test_valid_ids() {
        assert!(is_valid("B-7KX2"));
        assert!(is_valid("TASK-24"));
        assert!(is_valid("BACK-24.1"));
        assert!(!is_valid("../x"));
        assert!(!is_valid("a b"));
        assert!(!is_valid(""));
    }
}

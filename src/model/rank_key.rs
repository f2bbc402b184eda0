//! Fractional rank keys: the order of the backlog, stored one key per item.
//!
//! A key is a string; the backlog is ordered by comparing keys byte-wise. Between any two
//! keys there is always another one, so moving an item rewrites that item's file and nothing
//! else. The scheme is the one popularised by Figma and rocicorp's `fractional-indexing`:
//! a variable-length "integer part" whose first character encodes its length (`a0`, `a1`, …
//! `az`, `b00`, …) followed by an optional base-62 fraction (`a0V` sits between `a0` and
//! `a1`). Appending to the end increments the integer part, so keys grow logarithmically
//! with the number of appends instead of linearly; repeated inserts at one spot halve the
//! gap each time, adding one character roughly every six inserts.
//!
//! This module owns key arithmetic only; which item gets which key is decided by callers.

use std::fmt;

/// The 62 digits, in ASCII (and therefore key) order.
const DIGITS: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BASE: usize = DIGITS.len();
/// The smallest integer part; no key may be below it.
const SMALLEST_INTEGER: &str = "A00000000000000000000000000";

/// Why a rank key cannot be used for arithmetic.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RankError {
    /// The key is not in the fractional-index format.
    #[error("invalid rank key {0:?}: expected something like \"a0\" or \"a0V\"")]
    Invalid(String),
    /// The lower bound is not below the upper bound.
    #[error("rank key {lower:?} is not below {upper:?}")]
    Unordered {
        /// The lower bound given.
        lower: String,
        /// The upper bound given.
        upper: String,
    },
    /// The key space at one end is exhausted (only reachable with absurd keys).
    #[error("no rank key exists beyond {0:?}")]
    Exhausted(String),
}

/// A validated rank key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RankKey(String);

impl RankKey {
    /// Parses and validates a key as found in an item file.
    pub fn parse(key: &str) -> Result<Self, RankError> {
        validate(key)?;
        Ok(Self(key.to_owned()))
    }

    /// The key as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Returns a key strictly between `lower` and `upper`; `None` means the open end.
    pub fn between(lower: Option<&RankKey>, upper: Option<&RankKey>) -> Result<Self, RankError> {
        key_between(lower.map(RankKey::as_str), upper.map(RankKey::as_str)).map(Self)
    }

    /// Returns `n` ascending keys strictly between `lower` and `upper`, as short as the
    /// scheme allows for sequential placement.
    pub fn n_between(
        lower: Option<&RankKey>,
        upper: Option<&RankKey>,
        n: usize,
    ) -> Result<Vec<Self>, RankError> {
        n_keys_between(lower.map(RankKey::as_str), upper.map(RankKey::as_str), n)
            .map(|keys| keys.into_iter().map(Self).collect())
    }
}

impl fmt::Display for RankKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn digit_index(c: u8) -> Option<usize> {
    match c {
        b'0'..=b'9' => Some(usize::from(c - b'0')),
        b'A'..=b'Z' => Some(usize::from(c - b'A') + 10),
        b'a'..=b'z' => Some(usize::from(c - b'a') + 36),
        _ => None,
    }
}

fn integer_length(head: u8) -> Option<usize> {
    match head {
        b'a'..=b'z' => Some(usize::from(head - b'a') + 2),
        b'A'..=b'Z' => Some(usize::from(b'Z' - head) + 2),
        _ => None,
    }
}

fn integer_part(key: &str) -> Result<&str, RankError> {
    let invalid = || RankError::Invalid(key.to_owned());
    let head = *key.as_bytes().first().ok_or_else(invalid)?;
    let len = integer_length(head).ok_or_else(invalid)?;
    key.get(..len).ok_or_else(invalid)
}

/// Checks that `key` is a usable fractional-index key.
pub fn validate(key: &str) -> Result<(), RankError> {
    let invalid = || RankError::Invalid(key.to_owned());
    if key == SMALLEST_INTEGER || !key.bytes().all(|b| digit_index(b).is_some()) {
        return Err(invalid());
    }
    let int = integer_part(key)?;
    if key.len() > int.len() && key.ends_with('0') {
        return Err(invalid());
    }
    Ok(())
}

/// A fraction strictly between `a` and `b` (`None` = 1). Both are digit strings without
/// trailing zeros, and `a < b`.
fn midpoint(a: &[u8], b: Option<&[u8]>) -> Vec<u8> {
    if let Some(b) = b {
        let mut n = 0;
        while n < b.len() && a.get(n).copied().unwrap_or(b'0') == b[n] {
            n += 1;
        }
        if n > 0 {
            let mut out = b[..n].to_vec();
            out.extend(midpoint(a.get(n..).unwrap_or(&[]), Some(&b[n..])));
            return out;
        }
    }
    let digit_a = a.first().map_or(0, |&c| digit_index(c).unwrap_or(0));
    let digit_b = b.map_or(BASE, |b| {
        b.first().map_or(BASE, |&c| digit_index(c).unwrap_or(BASE))
    });
    if digit_b - digit_a > 1 {
        vec![DIGITS[(digit_a + digit_b).div_ceil(2)]]
    } else if let Some(b) = b.filter(|b| b.len() > 1) {
        vec![b[0]]
    } else {
        let mut out = vec![DIGITS[digit_a]];
        out.extend(midpoint(a.get(1..).unwrap_or(&[]), None));
        out
    }
}

fn increment_integer(x: &str) -> Option<String> {
    let bytes = x.as_bytes();
    let head = bytes[0];
    let mut digits = bytes[1..].to_vec();
    let mut carry = true;
    for d in digits.iter_mut().rev() {
        let next = digit_index(*d).unwrap_or(0) + 1;
        if next == BASE {
            *d = b'0';
        } else {
            *d = DIGITS[next];
            carry = false;
            break;
        }
    }
    if carry {
        match head {
            b'Z' => return Some("a0".to_owned()),
            b'z' => return None,
            _ => {}
        }
        let new_head = head + 1;
        if new_head > b'a' {
            digits.push(b'0');
        } else {
            digits.pop();
        }
        let mut out = vec![new_head];
        out.extend(digits);
        return String::from_utf8(out).ok();
    }
    let mut out = vec![head];
    out.extend(digits);
    String::from_utf8(out).ok()
}

fn decrement_integer(x: &str) -> Option<String> {
    let bytes = x.as_bytes();
    let head = bytes[0];
    let mut digits = bytes[1..].to_vec();
    let mut borrow = true;
    for d in digits.iter_mut().rev() {
        let idx = digit_index(*d).unwrap_or(0);
        if idx == 0 {
            *d = DIGITS[BASE - 1];
        } else {
            *d = DIGITS[idx - 1];
            borrow = false;
            break;
        }
    }
    if borrow {
        match head {
            b'a' => return Some(format!("Z{}", char::from(DIGITS[BASE - 1]))),
            b'A' => return None,
            _ => {}
        }
        let new_head = head - 1;
        if new_head < b'Z' {
            digits.push(DIGITS[BASE - 1]);
        } else {
            digits.pop();
        }
        let mut out = vec![new_head];
        out.extend(digits);
        return String::from_utf8(out).ok();
    }
    let mut out = vec![head];
    out.extend(digits);
    String::from_utf8(out).ok()
}

fn join(int: &str, frac: &[u8]) -> String {
    let mut out = int.to_owned();
    out.push_str(std::str::from_utf8(frac).unwrap_or_default());
    out
}

/// Returns a key strictly between `a` and `b` (`None` = open end).
pub fn key_between(a: Option<&str>, b: Option<&str>) -> Result<String, RankError> {
    if let Some(a) = a {
        validate(a)?;
    }
    if let Some(b) = b {
        validate(b)?;
    }
    match (a, b) {
        (Some(a), Some(b)) if a >= b => Err(RankError::Unordered {
            lower: a.to_owned(),
            upper: b.to_owned(),
        }),
        (None, None) => Ok("a0".to_owned()),
        (None, Some(b)) => {
            let ib = integer_part(b)?;
            let fb = &b.as_bytes()[ib.len()..];
            if ib == SMALLEST_INTEGER {
                return Ok(join(ib, &midpoint(&[], Some(fb))));
            }
            if ib < b {
                return Ok(ib.to_owned());
            }
            decrement_integer(ib).ok_or_else(|| RankError::Exhausted(b.to_owned()))
        }
        (Some(a), None) => {
            let ia = integer_part(a)?;
            let fa = &a.as_bytes()[ia.len()..];
            Ok(increment_integer(ia).unwrap_or_else(|| join(ia, &midpoint(fa, None))))
        }
        (Some(a), Some(b)) => {
            let ia = integer_part(a)?;
            let fa = &a.as_bytes()[ia.len()..];
            let ib = integer_part(b)?;
            let fb = &b.as_bytes()[ib.len()..];
            if ia == ib {
                return Ok(join(ia, &midpoint(fa, Some(fb))));
            }
            let i = increment_integer(ia).ok_or_else(|| RankError::Exhausted(a.to_owned()))?;
            if i.as_str() < b {
                return Ok(i);
            }
            Ok(join(ia, &midpoint(fa, None)))
        }
    }
}

/// Returns a key just after `a` (`None`: the first key) that is unlikely to equal a key
/// minted the same way on another branch: the next integer key plus two random digits.
/// Appends on two branches then interleave instead of colliding.
pub fn key_after_with_jitter(a: Option<&str>) -> Result<String, RankError> {
    let mut key = key_between(a, None)?;
    let mut rnd = [0u8; 2];
    if getrandom::fill(&mut rnd).is_ok() {
        key.push(char::from(DIGITS[usize::from(rnd[0]) % BASE]));
        key.push(char::from(DIGITS[1 + usize::from(rnd[1]) % (BASE - 1)]));
    }
    Ok(key)
}

/// Returns `n` ascending keys strictly between `a` and `b`.
pub fn n_keys_between(
    a: Option<&str>,
    b: Option<&str>,
    n: usize,
) -> Result<Vec<String>, RankError> {
    match n {
        0 => Ok(Vec::new()),
        1 => Ok(vec![key_between(a, b)?]),
        _ if b.is_none() => {
            let mut keys = Vec::with_capacity(n);
            let mut c = key_between(a, None)?;
            for _ in 1..n {
                let next = key_between(Some(&c), None)?;
                keys.push(std::mem::replace(&mut c, next));
            }
            keys.push(c);
            Ok(keys)
        }
        _ if a.is_none() => {
            let mut keys = Vec::with_capacity(n);
            let mut c = key_between(None, b)?;
            for _ in 1..n {
                let next = key_between(None, Some(&c))?;
                keys.push(std::mem::replace(&mut c, next));
            }
            keys.push(c);
            keys.reverse();
            Ok(keys)
        }
        _ => {
            let mid = n / 2;
            let c = key_between(a, b)?;
            let mut keys = n_keys_between(a, Some(&c), mid)?;
            keys.push(c.clone());
            keys.extend(n_keys_between(Some(&c), b, n - mid - 1)?);
            Ok(keys)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn test_rank_first_keys() {
        assert_eq!(key_between(None, None).unwrap(), "a0");
        assert_eq!(key_between(Some("a0"), None).unwrap(), "a1");
        assert_eq!(key_between(Some("az"), None).unwrap(), "b00");
        assert_eq!(key_between(None, Some("a0")).unwrap(), "Zz");
        assert_eq!(key_between(Some("a0"), Some("a1")).unwrap(), "a0V");
        assert_eq!(key_between(Some("a0"), Some("a0V")).unwrap(), "a0G");
        assert_eq!(key_between(Some("a0V"), Some("a1")).unwrap(), "a0l");
    }

    #[test]
    fn test_rank_jittered_appends_stay_ordered() {
        let mut last: Option<String> = None;
        for _ in 0..200 {
            let k = key_after_with_jitter(last.as_deref()).unwrap();
            assert!(validate(&k).is_ok(), "{k}");
            if let Some(l) = &last {
                assert!(l < &k);
            }
            last = Some(k);
        }
        assert!(last.unwrap().len() <= 5);
    }

    #[test]
    fn test_rank_rejects_bad_keys() {
        assert!(validate("").is_err());
        assert!(validate("a").is_err());
        assert!(validate("a00").is_err());
        assert!(validate("a0-").is_err());
        assert!(validate("a0V").is_ok());
        assert!(key_between(Some("a1"), Some("a0")).is_err());
        assert!(key_between(Some("a1"), Some("a1")).is_err());
    }

    #[test]
    fn test_rank_alternating_inserts_stay_short() {
        let (mut lo, mut hi) = ("a0".to_owned(), "a1".to_owned());
        for i in 0..60 {
            let k = key_between(Some(&lo), Some(&hi)).unwrap();
            assert!(k.len() <= 14, "{k} too long after {i} inserts");
            if i % 2 == 0 {
                lo = k;
            } else {
                hi = k;
            }
        }
    }

    #[test]
    fn test_rank_appends_grow_logarithmically() {
        let keys = n_keys_between(None, None, 100_000).unwrap();
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
        assert!(keys.iter().all(|k| k.len() <= 4));
    }

    proptest! {
        #[test]
        fn prop_between_is_strictly_between(steps in proptest::collection::vec(0u8..3, 1..60)) {
            let mut keys = vec![key_between(None, None).unwrap()];
            for step in steps {
                let i = usize::from(step) % (keys.len() + 1);
                let lo = if i == 0 { None } else { Some(keys[i - 1].as_str()) };
                let hi = keys.get(i).map(String::as_str);
                let k = key_between(lo, hi).unwrap();
                prop_assert!(validate(&k).is_ok());
                if let Some(lo) = lo { prop_assert!(lo < k.as_str()); }
                if let Some(hi) = hi { prop_assert!(k.as_str() < hi); }
                keys.insert(i, k);
            }
        }

        #[test]
        fn prop_n_between_is_sorted(n in 0usize..50) {
            let keys = n_keys_between(Some("a0"), Some("a1"), n).unwrap();
            prop_assert_eq!(keys.len(), n);
            prop_assert!(keys.windows(2).all(|w| w[0] < w[1]));
            prop_assert!(keys.iter().all(|k| "a0" < k.as_str() && k.as_str() < "a1"));
        }
    }
}

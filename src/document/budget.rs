//! A bound on how far YAML aliases may expand, checked before a front matter (or
//! `config.yml`) is turned into values.
//!
//! serde_yaml_ng stops an alias "billion laughs" only at 100 alias jumps per parser event,
//! so a front matter padded with a million events (a 2 MB list of zeros) still lets a
//! nine-level bomb build billions of values and exhaust memory; and one alias of a long
//! string is one event but copies the whole string (20,000 aliases of a 100 KB string
//! build 2 GB). [`exceeds`] walks the document once with a counting visitor that builds
//! nothing and charges every value one unit plus the bytes of its scalar, *as expanded*,
//! giving up as soon as the total passes the limit: hostile files cost bounded time and
//! no memory, and what the real parse builds is bounded by the same number of bytes.

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Visitor};

const MARKER: &str = "backlog: expansion limit reached";

/// The expansion limit, in charged bytes, for a document of `len` bytes. Without aliases
/// a value with a scalar of `n` bytes takes at least `n + 1` bytes of text (the scalar
/// and a separator; escapes and folding only shrink it), so only alias expansion can pass
/// this.
pub fn limit_for(len: usize) -> usize {
    len.saturating_add(10_000)
}

/// Whether `text` (one YAML document) expands to more than `limit` charged bytes (one per
/// value plus each scalar's length). Errors other than the limit are left to the real
/// parse, which reports them with a location.
pub fn exceeds(text: &str, limit: usize) -> bool {
    let remaining = Cell::new(limit);
    let de = serde_yaml_ng::Deserializer::from_str(text);
    match Counter(&remaining).deserialize(de) {
        Ok(()) => false,
        Err(e) => e.to_string().contains(MARKER),
    }
}

struct Counter<'a>(&'a Cell<usize>);

impl Counter<'_> {
    fn tick<E: de::Error>(&self) -> Result<(), E> {
        self.charge(0)
    }

    /// One unit for the value plus `bytes` for its scalar.
    fn charge<E: de::Error>(&self, bytes: usize) -> Result<(), E> {
        match self.0.get().checked_sub(bytes.saturating_add(1)) {
            Some(left) => {
                self.0.set(left);
                Ok(())
            }
            None => Err(E::custom(MARKER)),
        }
    }
}

impl<'de> DeserializeSeed<'de> for Counter<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Counter<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.tick()
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.tick()
    }

    fn visit_i128<E: de::Error>(self, _: i128) -> Result<(), E> {
        self.tick()
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.tick()
    }

    fn visit_u128<E: de::Error>(self, _: u128) -> Result<(), E> {
        self.tick()
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.tick()
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<(), E> {
        self.charge(s.len())
    }

    fn visit_bytes<E: de::Error>(self, b: &[u8]) -> Result<(), E> {
        self.charge(b.len())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.tick()
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.tick()
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }

    fn visit_newtype_struct<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.tick()?;
        while seq.next_element_seed(Counter(self.0))?.is_some() {}
        Ok(())
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.tick()?;
        while map.next_key_seed(Counter(self.0))?.is_some() {
            map.next_value_seed(Counter(self.0))?;
        }
        Ok(())
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        use de::VariantAccess;
        self.tick()?;
        let ((), variant) = data.variant_seed(Counter(self.0))?;
        variant.newtype_variant_seed(Counter(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bomb(levels: usize) -> String {
        let mut text = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        let names: Vec<char> = "bcdefghijklmnop".chars().collect();
        let mut prev = 'a';
        for &n in &names[..levels] {
            let refs = vec![format!("*{prev}"); 9].join(", ");
            text.push_str(&format!("{n}: &{n} [{refs}]\n"));
            prev = n;
        }
        text
    }

    #[test]
    fn test_ordinary_yaml_is_within_limits() {
        let text = "id: B-1\ntitle: x\nbase: &b {k: 1}\nother: *b\nlabels: [a, b]\n";
        assert!(!exceeds(text, limit_for(text.len())));
    }

    #[test]
    fn test_billion_laughs_is_stopped() {
        let text = bomb(9);
        assert!(exceeds(&text, limit_for(text.len())));
        // Padding the document with events does not buy the bomb enough room.
        let padded = format!("{text}pad: [{}]\n", vec!["0"; 1_000_000].join(","));
        assert!(exceeds(&padded, limit_for(padded.len())));
    }

    /// D1: one alias of a long string is one event but copies the string; the budget
    /// charges the expanded bytes, so 20,000 aliases of a 100 KB string (2 GB expanded,
    /// from a 180 KB file) are refused, after replaying only a few aliases.
    #[test]
    fn test_long_string_alias_amplification_is_stopped() {
        let s = "A".repeat(100_000);
        let refs = vec!["*x"; 20_000].join(", ");
        let text = format!("id: B-AMP\nx-pad: &x \"{s}\"\nlabels: [{refs}]\n");
        assert!(exceeds(&text, limit_for(text.len())));
        // Without aliases, or with a few aliases of a short string, it is fine.
        let plain = format!("id: B-OK\nx-pad: \"{s}\"\nlabels: [a, b]\n");
        assert!(!exceeds(&plain, limit_for(plain.len())));
        let ok = format!(
            "id: B-OK\nx-pad: &x \"{}\"\nlabels: [*x, *x]\n",
            "A".repeat(2_000)
        );
        assert!(!exceeds(&ok, limit_for(ok.len())));
    }

    proptest::proptest! {
        /// Alias-free YAML never reaches the limit, however its values are shaped.
        #[test]
        fn prop_alias_free_yaml_is_within_the_limit(
            map in proptest::collection::btree_map(
                "[a-z]{1,12}",
                proptest::collection::vec("\\PC{0,200}", 0..8),
                0..30,
            ),
            long in "\\PC{0,3000}",
        ) {
            let mut value = serde_yaml_ng::to_value(&map).unwrap();
            if let serde_yaml_ng::Value::Mapping(m) = &mut value {
                m.insert("long".into(), long.into());
            }
            let text = serde_yaml_ng::to_string(&value).unwrap();
            proptest::prop_assert!(!exceeds(&text, limit_for(text.len())), "{}", text);
        }
    }

    #[test]
    fn test_tagged_values_are_counted() {
        assert!(!exceeds("a: !custom 3\nb: !!str 4\n", 100));
        assert!(exceeds("a: [1, 2, 3]\n", 2));
    }
}

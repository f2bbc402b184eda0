//! A bound on how far YAML aliases may expand, checked before a front matter is turned
//! into values.
//!
//! serde_yaml_ng stops an alias "billion laughs" only at 100 alias jumps per parser event,
//! so a front matter padded with a million events (a 2 MB list of zeros) still lets a
//! nine-level bomb build billions of values and exhaust memory. [`exceeds`] walks the
//! document once with a counting visitor that builds nothing and gives up as soon as the
//! count passes the limit, so hostile files cost bounded time and no memory.

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Visitor};

const MARKER: &str = "backlog: expansion limit reached";

/// The expansion limit for a front matter of `len` bytes: without aliases a value takes
/// at least two bytes of text, so only alias expansion can pass this.
pub fn limit_for(len: usize) -> usize {
    len / 2 + 10_000
}

/// Whether `text` (one YAML document) expands to more than `limit` values. Errors other
/// than the limit are left to the real parse, which reports them with a location.
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
        match self.0.get().checked_sub(1) {
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

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.tick()
    }

    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<(), E> {
        self.tick()
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

    #[test]
    fn test_tagged_values_are_counted() {
        assert!(!exceeds("a: !custom 3\nb: !!str 4\n", 100));
        assert!(exceeds("a: [1, 2, 3]\n", 2));
    }
}

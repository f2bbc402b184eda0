//! `list --search TEXT`: every word of the query must occur, case-insensitively, in the
//! item's title or body (story, acceptance criteria, notes and any other section).

use crate::store::Entry;

/// A parsed search query: its words, lowercased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    words: Vec<String>,
    ascii: bool,
}

impl Query {
    /// Parses a query; `None` when it has no words.
    pub fn parse(text: &str) -> Option<Self> {
        let words: Vec<String> = text.split_whitespace().map(str::to_lowercase).collect();
        if words.is_empty() {
            return None;
        }
        let ascii = words.iter().all(|w| w.is_ascii());
        Some(Self { words, ascii })
    }

    /// The words, lowercased.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// Whether every word occurs in the item's title or body.
    pub fn matches(&self, entry: &Entry) -> bool {
        let title = entry.item.title.as_str();
        let body = entry.doc.body();
        self.words
            .iter()
            .all(|w| self.contains(title, w) || self.contains(body, w))
    }

    /// Case-insensitive substring test; `word` is lowercase. ASCII words are matched
    /// without lowercasing the haystack (the common, fast case).
    fn contains(&self, haystack: &str, word: &str) -> bool {
        if self.ascii {
            let needle = word.as_bytes();
            let hay = haystack.as_bytes();
            if needle.len() > hay.len() {
                return false;
            }
            let first = needle[0];
            let first_upper = first.to_ascii_uppercase();
            hay.windows(needle.len())
                .any(|w| (w[0] == first || w[0] == first_upper) && w.eq_ignore_ascii_case(needle))
        } else {
            haystack.to_lowercase().contains(word)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(title: &str, body: &str) -> Entry {
        Entry::from_text(
            "b/x.md",
            &format!("---\nid: B-1\ntitle: {title}\n---\n{body}"),
        )
        .unwrap()
    }

    #[test]
    fn test_every_word_must_match_title_or_body() {
        let e = entry(
            "Sign in with SSO",
            "As a user, I want Okta.\n\n## Acceptance criteria\n- [ ] Reach the IdP\n\n## Notes\nAsk Dana about SAML.\n",
        );
        let q = |t: &str| Query::parse(t).unwrap().matches(&e);
        assert!(q("sso"));
        assert!(q("SSO idp"));
        assert!(q("okta saml"));
        assert!(q("sign DANA"));
        assert!(!q("sso github"));
        assert!(Query::parse("   ").is_none());
    }

    #[test]
    fn test_unicode_case_folding() {
        let e = entry("Crème brûlée", "ÜBER alles\n");
        assert!(Query::parse("CRÈME über").unwrap().matches(&e));
        assert!(!Query::parse("crème xyz").unwrap().matches(&e));
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn ascii_fast_path_agrees_with_lowercase_contains(hay in "[a-zA-Z ]{0,40}", word in "[a-zA-Z]{1,4}") {
                let q = Query::parse(&word).unwrap();
                let lower = word.to_lowercase();
                prop_assert_eq!(q.contains(&hay, &lower), hay.to_lowercase().contains(&lower));
            }
        }
    }
}

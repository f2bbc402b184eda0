//! The model layer: pure types and rules about items, with no IO. It builds on `text`
//! and `document` (an [`item::Item`] is read from a [`crate::Document`]) and imports no
//! module above it.

pub mod checklist;
pub mod id;
pub mod item;
pub mod keys;
pub mod order;
pub mod rank_key;

pub use order::OrderKey;

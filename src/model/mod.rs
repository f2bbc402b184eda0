//! The model layer: pure types and rules about items, with no IO. Nothing here imports a
//! module above it (document excepted, which an [`item::Item`] is read from).

pub mod checklist;
pub mod id;
pub mod item;
pub mod order;
pub mod rank_key;

pub use order::OrderKey;

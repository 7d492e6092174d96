//! Shared by the fuzz targets: the invariants every parsed note must keep, and builders that
//! turn fuzz bytes into Markdown-shaped text. `tests/it/props.rs` includes `invariants.rs`
//! and `soup.rs` too, so the proptest run and the fuzzer check the same things.

pub mod invariants;
pub mod soup;

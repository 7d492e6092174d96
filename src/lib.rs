//! vaultc: a linter and compiler for Obsidian-style Markdown vaults.
//!
//! Data flows one way:
//!
//! ```text
//! config ─► vault (load) ─► parse (one pass per note) ─► index (resolve) ─► graph
//!                                                              └─► rules ─► report
//! ```
//!
//! Each stage reads what the previous one built and never goes back to the files.

pub mod cache;
pub mod cells;
pub mod cli;
pub mod commands;
pub mod config;
pub mod diagnostic;
pub mod export;
pub mod fix;
pub mod graph;
pub mod index;
pub mod model;
pub mod parse;
pub mod pipeline;
pub mod query;
pub mod report;
pub mod rules;
pub mod session;
pub mod site;
pub mod source;
pub mod timings;
pub mod vault;

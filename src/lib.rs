//! vaultc: a linter and compiler for Obsidian-style Markdown vaults.
//!
//! Data flows one way; a [`session::Session`] drives it and owns every byte of state:
//!
//! ```text
//!                       ┌──────────── session (one vault: settings, store, walk) ───────────┐
//! book.toml ─► config   │                                                                    │
//!  vault/ ───► vault (walk, read) ─► parse (one pass per note) ─► index (resolve) ─► graph   │
//!                       │                                              └─► rules ─► report ─►│─► stdout
//!                       │                                              └─► export, query     │
//!                       │                                              └─► site ─────────────│─► site folder
//!                       └─────────────────────────────┬──────────────────────────────────────┘
//!                                                     ▼
//!                 cache (store: beside book.toml, or the user's cache directory per vault)
//!                   notes-{lean,full}  parsed notes by file stamp      (session::notes)
//!                   state              per-note findings as data       (session::state)
//!                   check-*            reports as printed, per format  (session::replay)
//!                 site folder: .vaultc-site (files written), .vaultc-site-inputs (stamps)
//! ```
//!
//! Each stage reads what the previous one built and never goes back to the files; no
//! module imports one later in the pipeline (a test reads the imports). `docs/architecture.md`
//! walks a note from disk to report and to page.

pub mod cache;
pub mod cells;
pub mod cli;
pub mod commands;
pub mod config;
pub mod diagnostic;
pub mod export;
pub mod fix;
pub mod graph;
pub mod history;
pub mod index;
pub mod lsp;
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

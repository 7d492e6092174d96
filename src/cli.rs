//! Command-line arguments (clap derive). Nothing else lives here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::Format;

/// A linter and compiler for Obsidian-style Markdown vaults.
#[derive(Debug, Parser)]
#[command(name = "vaultc", version, about, long_about = None)]
pub struct Cli {
    /// Read this book.toml instead of searching the current folder and its ancestors.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// When to use colour in diagnostics (`NO_COLOR` turns it off for `auto`).
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the vault: broken links and headings, stale notes, tables, frontmatter, tags.
    Check(CheckArgs),
    /// Explain a rule, or list every rule with its default level.
    Rule(RuleArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Notes or folders to report on (links still resolve against the whole vault). Without
    /// a book.toml, a single folder is taken as the vault.
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Pretty)]
    pub format: Format,

    /// The date "today" is for date rules, as YYYY-MM-DD (default: the system date).
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,

    /// Count these findings as errors for the exit code.
    #[arg(long, value_enum, value_name = "WHAT")]
    pub deny: Vec<Deny>,

    /// Apply safe fixes (case-mismatch, table-unescaped-pipe) to the notes, then report
    /// what is left.
    #[arg(long)]
    pub fix: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    /// Warnings fail the run, like errors.
    Warnings,
}

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// The rule to explain; without it, every rule is listed.
    pub name: Option<String>,
}

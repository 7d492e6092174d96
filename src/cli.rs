//! Command-line arguments (clap derive). Nothing else lives here.

use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};

use crate::report::Format;

/// A linter and compiler for Obsidian-style Markdown vaults.
#[derive(Debug, Parser)]
#[command(name = "vaultc", version, about, long_about = None)]
pub struct Cli {
    /// Read this book.toml instead of searching from the vault path upwards.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// The vault: its folder, the folder of its book.toml, or any path inside it (the
    /// nearest book.toml at or above it configures the run). Default: the current folder.
    #[arg(long, global = true, value_name = "PATH")]
    pub vault: Option<PathBuf>,

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
    /// Write the whole model (notes, entities, links, tables, tags, diagnostics) as JSON or SQLite.
    Export(ExportArgs),
    /// Every link to an entity (note or unresolved name), one line each: by name, alias or any case.
    ///
    /// One `path:line:col  line of text` per link, grouped by note, then a count. Links from
    /// the note to itself count. `vaultc backlinks` gives one line per linking note instead.
    Refs(RefsArgs),
    /// The notes that link to a note, one line each: how many links, and the best line of context.
    ///
    /// One `path:line:col  N links  line of text` per linking note, most links first; the
    /// line shown is the note's first link in prose (else in a table, else in frontmatter).
    /// The note's links to itself are left out. `vaultc refs` lists every link instead.
    Backlinks(RefsArgs),
    /// A note's tables (or every table) as data, with typed cells: JSON, or CSV one table at a time.
    Tables(TablesArgs),
    /// The entity graph as JSON, Graphviz dot, GraphML or Mermaid.
    Graph(GraphArgs),
    /// Counts, hubs and PageRank leaders of the vault's link graph.
    Stats(StatsArgs),
    /// The shortest chain of links from one entity to another.
    Path(PathArgs),
    /// Build the vault as a static website.
    Build(BuildArgs),
    /// Manage vaultc's cache.
    Cache(CacheArgs),
    /// Build the site, serve it on 127.0.0.1 and rebuild when notes change.
    Serve(ServeArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(CompletionsArgs),
    /// Print vaultc's man page (roff), or write one page per command into a folder.
    Man(ManArgs),
    /// A language server on stdin and stdout: every rule live in the editor, go to
    /// definition, references, completion, rename, code actions.
    Lsp(LspArgs),
}

#[derive(Debug, Args)]
pub struct LspArgs {
    /// The vault (default: the folder the editor opens, as the client sends it).
    #[command(flatten)]
    pub vault: VaultArg,

    /// The date "today" is for date rules, as YYYY-MM-DD (default: the system date).
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
}

/// The vault as a positional argument (the same as `--vault`).
#[derive(Debug, Args, Default)]
pub struct VaultArg {
    /// The vault: its folder, the folder of its book.toml, or any path inside it (default:
    /// the current folder).
    #[arg(id = "vault_path", value_name = "VAULT")]
    pub vault: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub vault: VaultArg,

    /// Output folder (default: book.toml's `[build] build-dir`; without a book.toml, a
    /// folder in the user's cache directory).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Write into an existing folder that vaultc did not create.
    #[arg(long)]
    pub force: bool,

    /// The date "today" is for stale badges, as YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub build: BuildArgs,

    /// Port on 127.0.0.1 (0 picks a free one). It is checked before the first build.
    #[arg(long, default_value_t = 3000)]
    pub port: u16,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("what").required(true).multiple(true).args(["json", "sqlite"])))]
pub struct ExportArgs {
    #[command(flatten)]
    pub vault: VaultArg,

    /// Write the JSON model to standard output, or to FILE (`-` is standard output too). A
    /// vault path goes before `--json`, which would take it as FILE.
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "-")]
    pub json: Option<PathBuf>,

    /// Write the model as an SQLite database to FILE (replaced atomically).
    #[arg(long, value_name = "FILE")]
    pub sqlite: Option<PathBuf>,

    /// The date "today" is for date rules in the exported diagnostics, as YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,

    /// Neither read nor write the note cache (`.vaultc-cache/`): parse every note.
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Debug, Args)]
pub struct RefsArgs {
    /// A note name, path or alias, or an unresolved link target (any case).
    pub entity: String,

    #[command(flatten)]
    pub vault: VaultArg,

    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct TablesArgs {
    /// Only this note's tables (name, path or alias). A folder given alone is the vault.
    pub note: Option<String>,

    #[command(flatten)]
    pub vault: VaultArg,

    /// JSON (every table selected, in one array) or CSV (one table: choose it with --table,
    /// or write each into --out).
    #[arg(long, value_enum, default_value_t = TableFormat::Json)]
    pub format: TableFormat,

    /// Only this table: its number within the note (0 is the first, as JSON's `index`), or
    /// text of its caption or of the heading above it (any case).
    #[arg(long, value_name = "N|HEADING")]
    pub table: Option<String>,

    /// Write each table to its own file in DIR (`NOTE/NN-caption.csv` or `.json`) instead
    /// of standard output.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// CSV: beside each column holding typed values, add its value, unit and approximate
    /// columns (`Flow`, `Flow value`, `Flow unit`, `Flow approx`). JSON always has them.
    #[arg(long)]
    pub typed: bool,
}

pub use crate::export::graph::GraphFormat;

#[derive(Debug, Args)]
pub struct GraphArgs {
    #[command(flatten)]
    pub vault: VaultArg,

    #[arg(long, value_enum, default_value_t = GraphFormat::Json)]
    pub format: GraphFormat,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub vault: VaultArg,

    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct PathArgs {
    /// Where the path starts (note name, path or alias, or an unresolved name).
    pub from: String,
    /// Where it ends.
    pub to: String,

    #[command(flatten)]
    pub vault: VaultArg,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Notes or folders to report on (links still resolve against the whole vault); the
    /// book.toml is looked for from the first. Without a book.toml, a single folder is taken
    /// as the vault.
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

    /// Apply safe fixes (case-mismatch, table-unescaped-pipe, updated-not-bumped) to the
    /// notes, then report what is left.
    #[arg(long)]
    pub fix: bool,

    /// Neither read nor write the cache (`.vaultc-cache/`).
    #[arg(long)]
    pub no_cache: bool,

    /// Judge what is staged (the git index against HEAD), as a pre-commit hook commits it,
    /// not the files, where a rule reads git (updated-not-bumped). `--fix` still edits the
    /// files: stage them to commit the fixes.
    #[arg(long)]
    pub staged: bool,
}

#[derive(Debug, Args)]
pub struct CacheArgs {
    #[command(subcommand)]
    pub action: CacheAction,
}

#[derive(Debug, Subcommand)]
pub enum CacheAction {
    /// Delete everything vaultc keeps for the vault (`.vaultc-cache/` beside book.toml, or
    /// its folder in the user's cache directory).
    Clean(VaultArg),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    /// Warnings fail the run, like errors.
    Warnings,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell; e.g. `vaultc completions bash > ~/.local/share/bash-completion/completions/vaultc`.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write `vaultc.1` and a page per command (`vaultc-check.1`, …) into DIR instead of
    /// printing `vaultc.1`.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// The rule to explain; without it, every rule is listed.
    pub name: Option<String>,
}

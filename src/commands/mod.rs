//! One file per subcommand: glue that runs pipeline stages and picks a reporter.

mod build;
mod check;
mod export;
mod graph;
mod refs;
mod rule;
mod tables;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cli::{Cli, Color, Command};
use crate::config::{self, ConfigError, Settings};
use crate::rules;
use crate::vault::VaultError;

/// How a command ended, as the process exit code says it: 0, 1 or 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Nothing at error level.
    Success,
    /// Error-level findings (or warnings under `--deny warnings`).
    Failure,
}

/// Why a run could not be done (exit code 2).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum RunError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error("{0}")]
    Usage(String),
    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },
}

pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> Result<ExitStatus, RunError> {
    let color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            std::io::IsTerminal::is_terminal(&std::io::stdout())
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    match cli.command {
        Command::Check(args) => check::run(&args, cli.config.as_deref(), color, out, err),
        Command::Rule(args) => rule::run(&args, out),
        Command::Export(args) => export::run(&args, cli.config.as_deref(), out),
        Command::Refs(args) => refs::run_refs(&args, cli.config.as_deref(), out),
        Command::Backlinks(args) => refs::run_backlinks(&args, cli.config.as_deref(), out),
        Command::Tables(args) => tables::run(&args, cli.config.as_deref(), out),
        Command::Graph(args) => graph::run_graph(&args, cli.config.as_deref(), out),
        Command::Stats(args) => graph::run_stats(&args, cli.config.as_deref(), out),
        Command::Path(args) => graph::run_path(&args, cli.config.as_deref(), out),
        Command::Cache(args) => match args.action {
            crate::cli::CacheAction::Clean => cache_clean(cli.config.as_deref(), out),
        },
        Command::Build(args) => build::run_build(&args, cli.config.as_deref(), out, err),
        Command::Serve(args) => build::run_serve(&args, cli.config.as_deref(), out, err),
    }
}

/// Settings from `--config`, or the nearest book.toml above the current folder, or (with no
/// book.toml) defaults for `fallback_vault`.
fn settings(
    config_arg: Option<&Path>,
    fallback_vault: impl FnOnce() -> PathBuf,
) -> Result<Settings, RunError> {
    let names = rules::rule_names();
    let cwd = std::env::current_dir().map_err(|source| RunError::Io {
        context: "cannot read the current folder".into(),
        source,
    })?;
    let found = match config_arg {
        Some(p) if !p.is_file() => {
            return Err(RunError::Usage(format!(
                "config file {} does not exist",
                p.display()
            )));
        }
        Some(p) => Some(p.to_owned()),
        None => config::find(&cwd),
    };
    match found {
        Some(path) => Ok(config::load(&relative_to(&cwd, &path), &names)?),
        None => Ok(Settings::defaults(fallback_vault())),
    }
}

/// The analysed vault for the query commands: `--config`, the nearest book.toml, or the
/// current folder as the vault; parsed keeping what `detail` asks for.
fn analysis(
    config: Option<&Path>,
    detail: crate::parse::Detail,
) -> Result<crate::pipeline::Analysis, RunError> {
    let settings = settings(config, || PathBuf::from("."))?;
    Ok(crate::pipeline::Analysis::load_with(settings, detail)?)
}

/// `vaultc cache clean`.
fn cache_clean(config: Option<&Path>, out: &mut dyn Write) -> Result<ExitStatus, RunError> {
    let settings = settings(config, || PathBuf::from("."))?;
    let dir = crate::cache::dir_for(settings.config_path.as_deref(), &settings.src);
    let removed = crate::cache::clean(&dir).map_err(|source| RunError::Io {
        context: format!("cannot remove {}", dir.display()),
        source,
    })?;
    let what = if removed { "Removed" } else { "No cache at" };
    writeln!(out, "{what} {}", dir.display()).map_err(write_err)?;
    Ok(ExitStatus::Success)
}

/// `--today DATE`, or the system date.
fn today(arg: Option<&str>) -> Result<jiff::civil::Date, RunError> {
    match arg {
        Some(s) => s.parse().map_err(|e| {
            RunError::Usage(format!("invalid --today `{s}`: {e} (expected YYYY-MM-DD)"))
        }),
        None => Ok(jiff::ZonedDateTime::now().date()),
    }
}

/// Writes to the output, naming the failure for the error message.
fn write_err(source: std::io::Error) -> RunError {
    RunError::Io {
        context: "cannot write output".into(),
        source,
    }
}

/// `path` relative to `base` when it lies below it (for shorter paths in messages).
fn relative_to(base: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(base)
        .map_or_else(|_| path.to_owned(), Path::to_owned)
}

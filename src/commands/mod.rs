//! One file per subcommand: arguments → a [`Session`] → output. Commands hold no pipeline
//! work of their own; they say what to load and how to print it.

mod build;
mod check;
mod completions;
mod export;
mod graph;
mod lsp;
mod man;
mod refs;
mod rule;
mod tables;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cli::{CacheAction, Cli, Color, Command, VaultArg};
use crate::config::ConfigError;
use crate::parse::Detail;
use crate::pipeline::Analysis;
use crate::session::{OpenError, Session, Target};
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

impl From<OpenError> for RunError {
    fn from(e: OpenError) -> Self {
        match e {
            OpenError::Config(e) => RunError::Config(e),
            OpenError::Usage(message) => RunError::Usage(message),
            OpenError::Cwd(source) => RunError::Io {
                context: "cannot read the current folder".into(),
                source,
            },
        }
    }
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
    let vault = Vault {
        config: cli.config,
        flag: cli.vault,
    };
    match cli.command {
        Command::Rule(args) => rule::run(&args, out),
        Command::Check(args) => {
            let target = vault.for_check(&args.paths)?;
            with_session(&target, err, |s, err| check::run(&args, s, color, out, err))
        }
        Command::Export(args) => with_session(&vault.target(&args.vault)?, err, |s, err| {
            export::run(&args, s, out, err)
        }),
        Command::Refs(args) => with_session(&vault.target(&args.vault)?, err, |s, _| {
            refs::run_refs(&args, s, out)
        }),
        Command::Backlinks(args) => with_session(&vault.target(&args.vault)?, err, |s, _| {
            refs::run_backlinks(&args, s, out)
        }),
        Command::Tables(mut args) => {
            // `vaultc tables FOLDER`: a lone folder is the vault, not a note.
            if args.vault.vault.is_none()
                && let Some(folder) = args.note.take_if(|n| Path::new(n).is_dir())
            {
                args.vault.vault = Some(PathBuf::from(folder));
            }
            with_session(&vault.target(&args.vault)?, err, |s, err| {
                tables::run(&args, s, out, err)
            })
        }
        Command::Graph(args) => with_session(&vault.target(&args.vault)?, err, |s, _| {
            graph::run_graph(&args, s, out)
        }),
        Command::Stats(args) => with_session(&vault.target(&args.vault)?, err, |s, _| {
            graph::run_stats(&args, s, out)
        }),
        Command::Path(args) => with_session(&vault.target(&args.vault)?, err, |s, _| {
            graph::run_path(&args, s, out)
        }),
        Command::Cache(args) => match args.action {
            CacheAction::Clean(arg) => {
                with_session(&vault.target(&arg)?, err, |s, _| cache_clean(s, out))
            }
        },
        Command::Build(args) => {
            let target = vault.target(&args.vault)?;
            build::run_build(&args, &target, err)
        }
        Command::Lsp(args) => lsp::run(&args, &vault),
        Command::Serve(args) => {
            let target = vault.target(&args.build.vault)?;
            build::run_serve(&args, &target, out, err)
        }
        Command::Completions(args) => completions::run(&args, out),
        Command::Man(args) => man::run(&args, out, err),
    }
}

/// How the command line names the vault: `--config`, `--vault`, or a positional path.
struct Vault {
    config: Option<PathBuf>,
    flag: Option<PathBuf>,
}

impl Vault {
    /// The vault of a command with a `[VAULT]` argument.
    fn target(&self, arg: &VaultArg) -> Result<Target, RunError> {
        let path = match (&self.flag, &arg.vault) {
            (Some(_), Some(_)) => {
                return Err(RunError::Usage(
                    "the vault is given twice: as VAULT and as --vault".into(),
                ));
            }
            (flag, positional) => flag.as_ref().or(positional.as_ref()),
        };
        Ok(Target {
            config: self.config.clone(),
            ..path.map_or_else(Target::default, |p| Target::vault(p))
        })
    }

    /// The vault of `check PATHS`: `--vault`, or found from the first PATH; a lone folder
    /// PATH is the vault when there is no book.toml.
    fn for_check(&self, paths: &[PathBuf]) -> Result<Target, RunError> {
        if self.flag.is_some() {
            return self.target(&VaultArg::default());
        }
        let single_folder = (paths.len() == 1 && paths[0].is_dir()).then(|| paths[0].clone());
        Ok(Target {
            config: self.config.clone(),
            start: paths.first().cloned(),
            folder: single_folder,
        })
    }
}

/// Opens the session `target` names, runs `command` on it, and shows the session's notes
/// (what was taken as the vault, a vault without notes) on `err`.
fn with_session(
    target: &Target,
    err: &mut dyn Write,
    command: impl FnOnce(&mut Session, &mut dyn Write) -> Result<ExitStatus, RunError>,
) -> Result<ExitStatus, RunError> {
    let mut session = Session::open(target)?;
    let result = command(&mut session, err);
    notify(&mut session, err);
    result
}

/// Writes the session's notes gathered so far to `err`.
fn notify(session: &mut Session, err: &mut dyn Write) {
    for notice in session.take_notices() {
        let _ = writeln!(err, "vaultc: {notice}");
    }
}

/// The whole vault for the query commands, parsed keeping what `detail` asks for (queries
/// leave the note cache alone).
fn analysis(session: &mut Session, detail: Detail) -> Result<Analysis, RunError> {
    session.without_cache();
    Ok(session.analysis(detail)?)
}

/// `vaultc cache clean`.
fn cache_clean(session: &mut Session, out: &mut dyn Write) -> Result<ExitStatus, RunError> {
    let store = session.store_location();
    let removed = store.clean().map_err(|source| RunError::Io {
        context: format!("cannot remove {}", store.dir().display()),
        source,
    })?;
    let what = if removed { "Removed" } else { "No cache at" };
    writeln!(out, "{what} {}", store.dir().display()).map_err(write_err)?;
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

/// The vault folder as the user would type it from the current folder, `/`-terminated
/// (empty for `.`): the prefix of every path a command prints.
fn path_prefix(root: &Path) -> String {
    let Ok(cwd) = std::env::current_dir() else {
        return String::new();
    };
    let cwd = std::fs::canonicalize(&cwd).unwrap_or(cwd);
    let shown = crate::session::open::relative_to(&cwd, root);
    let s = if shown.is_absolute() {
        root.to_string_lossy().into_owned()
    } else {
        shown
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/")
    };
    if s.is_empty() {
        s
    } else {
        format!("{}/", s.trim_end_matches('/'))
    }
}

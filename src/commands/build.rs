//! `vaultc build` and `vaultc serve`: the static site.

use std::io::{IsTerminal, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{ExitStatus, RunError, today};
use crate::cli::{BuildArgs, ServeArgs};
use crate::session::{self, Session};
use crate::site::inputs::{self, Record};
use crate::site::output::{self, OutputError, Target, Written};
use crate::site::serve::{self, Version};
use crate::site::watch::Snapshot;
use crate::site::{self, Options};
use crate::timings::Timings;

/// The theme folder read when it exists: `theme/` beside book.toml.
const THEME_DIR: &str = "theme";
/// Builds shorter than this show no progress bar.
const PROGRESS_DELAY: Duration = Duration::from_millis(400);
/// How often `serve` looks for changes.
const POLL: Duration = Duration::from_millis(500);

pub(super) fn run_build(
    args: &BuildArgs,
    target: &session::Target,
    err: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    let mut job = Job::new(args, target)?;
    job.one_shot = true;
    let written = job.build();
    super::notify(&mut job.session, err);
    report(err, &job.out_dir, &written?)?;
    // The process ends next: freeing the vault and the site piece by piece would cost a
    // tenth of an edit's rebuild, and the OS reclaims it at once.
    std::mem::forget(job);
    Ok(ExitStatus::Success)
}

pub(super) fn run_serve(
    args: &ServeArgs,
    target: &session::Target,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    // The port first: a busy one fails at once, before minutes of building.
    let listener = listen(args.port)?;
    let mut job = Job::new(&args.build, target)?;
    let written = job.build();
    super::notify(&mut job.session, err);
    report(err, &job.out_dir, &written?)?;
    let addr = listener.local_addr().map_err(|source| RunError::Io {
        context: "cannot read the listening address".into(),
        source,
    })?;
    let version = Version::default();
    serve::spawn(listener, job.out_dir.clone(), version.clone());
    writeln!(
        out,
        "serving {} at http://{addr}/ (Ctrl-C stops)",
        job.out_dir.display()
    )
    .and_then(|()| out.flush())
    .map_err(super::write_err)?;
    watch(job, args, target, &version, err)
}

/// A listener on 127.0.0.1:`port`; a port in use is a usage error that says what to do.
fn listen(port: u16) -> Result<TcpListener, RunError> {
    TcpListener::bind(("127.0.0.1", port)).map_err(|source| {
        if source.kind() == std::io::ErrorKind::AddrInUse {
            RunError::Usage(format!(
                "port {port} on 127.0.0.1 is already in use (another `vaultc serve`?): stop \
                 what listens there, or pick another port with `--port N` (`--port 0` picks a \
                 free one)"
            ))
        } else {
            RunError::Io {
                context: format!("cannot listen on 127.0.0.1:{port}"),
                source,
            }
        }
    })
}

/// Rebuilds whenever the vault, the config or the theme changes: the vault's changes are
/// applied to the session's vault in memory (see `Session::apply`); a config or theme
/// change starts over.
fn watch(
    mut job: Job,
    args: &ServeArgs,
    target: &session::Target,
    version: &Version,
    err: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    let mut seen = Snapshot::take(&job.watched());
    loop {
        std::thread::sleep(POLL);
        let now = Snapshot::take(&job.watched());
        let result = if now != seen {
            seen = now;
            Job::new(&args.build, target).and_then(|mut fresh| {
                let written = fresh.build();
                job = fresh;
                written
            })
        } else {
            match job.session.refresh() {
                Ok(changed) if changed.is_empty() => continue,
                Ok(_) => job.build(),
                Err(e) => Err(e.into()),
            }
        };
        // A bad edit (invalid config, say) is reported and the last good site stays up.
        match result {
            Ok(written) => {
                version.bump();
                report(err, &job.out_dir, &written)?;
            }
            Err(e) => {
                let _ = writeln!(err, "vaultc: rebuild failed: {e}");
            }
        }
    }
}

/// One site: from which vault, where to, and for which day.
struct Job {
    session: Session,
    out_dir: PathBuf,
    force: bool,
    options: Options,
    /// `build`, not `serve`: the process ends after one build.
    one_shot: bool,
}

impl Job {
    fn new(args: &BuildArgs, target: &session::Target) -> Result<Self, RunError> {
        let today = today(args.today.as_deref())?;
        let mut session = Session::open(target)?;
        let settings = session.settings();
        let out_dir = args
            .out
            .clone()
            .unwrap_or_else(|| settings.build_dir.clone());
        // `[output.html] theme`, else a `theme/` folder beside book.toml when there is one.
        let theme_dir = settings.theme.clone().or_else(|| {
            settings
                .config_path
                .as_deref()
                .and_then(Path::parent)
                .map(|dir| dir.join(THEME_DIR))
                .filter(|dir| dir.is_dir())
        });
        // The vault walk skips the build folder: make it skip the one written now.
        session.set_build_dir(out_dir.clone());
        let words_cache = session.store().map(|s| s.file("site-words"));
        Ok(Self {
            session,
            out_dir,
            force: args.force,
            options: Options {
                today,
                theme_dir,
                words_cache,
            },
            one_shot: false,
        })
    }

    /// Files whose change means starting over, besides the vault's: the config and theme.
    fn watched(&self) -> Vec<PathBuf> {
        self.session
            .settings()
            .config_path
            .iter()
            .chain(&self.options.theme_dir)
            .cloned()
            .collect()
    }

    /// Builds the site: nothing when its inputs did not change, else the vault (kept in
    /// memory by the session, so that `serve` applies changes to it) rendered and written.
    fn build(&mut self) -> Result<Written, RunError> {
        // Refuse before doing any work.
        let target = output::check(&self.out_dir, self.force).map_err(output_error)?;
        let previous = output::Previous::new(&self.out_dir, &target);
        let inputs = self.session.site_inputs()?;
        let key = self.inputs_key();
        if let Target::Ours(manifest) = &target
            && inputs.unchanged(&self.out_dir, &key)
            && manifest.intact(&self.out_dir)
        {
            Timings::start().lap("site: unchanged");
            return Ok(Written {
                unchanged: manifest.files.len(),
                up_to_date: true,
                ..Written::default()
            });
        }
        // From here the site may change: the old record must not outlive it.
        if matches!(target, Target::Ours(_)) {
            Record::remove(&self.out_dir).map_err(|source| RunError::Io {
                context: format!(
                    "cannot remove {}",
                    self.out_dir.join(inputs::FILE).display()
                ),
                source,
            })?;
        }
        let want = session::Want {
            last_commits: true,
            ..session::Want::default()
        };
        let analysis = match self.session.resident_analysis() {
            Some(a) => a,
            None => self
                .session
                .resident_with_history(crate::parse::Detail::Lean, want)?,
        };
        let bar = Bar::new();
        let files = site::build(analysis, &self.options, &bar, &previous)
            .map_err(|e| RunError::Usage(e.to_string()))?;
        bar.finish();
        let mut clock = Timings::start();
        let written = output::write(&files, &self.out_dir, self.force).map_err(output_error)?;
        clock.lap("site: write");
        // `build` ends the process: no need to free every page's bytes one by one.
        // `serve` builds again and again, so it frees them.
        if self.one_shot {
            std::mem::forget(files);
        }
        // A forced build into a foreign folder keeps no record: its next build is full too.
        if !matches!(target, Target::Forced)
            && let Some(record) = inputs.record(&analysis.vault)
        {
            // Without a record the next build is a full one: nothing is lost.
            let _ = record.store(&self.out_dir, &key);
        }
        Ok(written)
    }

    /// What decides the site besides the vault's files.
    fn inputs_key(&mut self) -> crate::cache::Key {
        let config = self
            .session
            .settings()
            .config_path
            .as_deref()
            .and_then(|p| std::fs::read(p).ok())
            .unwrap_or_default();
        // A commit moves the "edited after its stamp" badges without touching a file.
        let head = self.session.git_head().unwrap_or_default();
        let today = format!("{}|{head}", self.options.today);
        inputs::key(&config, self.options.theme_dir.as_deref(), &today)
    }
}

fn output_error(e: OutputError) -> RunError {
    match e {
        OutputError::Io {
            context,
            path,
            source,
        } => RunError::Io {
            context: format!("{context} {}", path.display()),
            source,
        },
        other => RunError::Usage(other.to_string()),
    }
}

fn report(err: &mut dyn Write, out_dir: &Path, w: &Written) -> Result<(), RunError> {
    let line = if w.up_to_date {
        format!(
            "{} is up to date: nothing it is made from changed since the last build",
            out_dir.display()
        )
    } else if w.fresh {
        format!("built {} files into {}", w.written, out_dir.display())
    } else {
        format!(
            "updated {}: {} written, {} unchanged, {} removed",
            out_dir.display(),
            w.written,
            w.unchanged,
            w.removed
        )
    };
    writeln!(err, "vaultc: {line}").map_err(super::write_err)
}

/// A progress bar on stderr, shown only when stderr is a terminal and the build takes more
/// than a moment.
struct Bar {
    bar: ProgressBar,
    started: Instant,
    shown: AtomicBool,
    terminal: bool,
}

impl Bar {
    fn new() -> Self {
        let bar = ProgressBar::hidden();
        if let Ok(style) =
            ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} pages ({eta})")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix("vaultc: building");
        Self {
            bar,
            started: Instant::now(),
            shown: AtomicBool::new(false),
            terminal: std::io::stderr().is_terminal(),
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl site::Progress for Bar {
    fn start(&self, pages: u64) {
        self.bar.set_length(pages);
    }

    fn advance(&self) {
        self.bar.inc(1);
        if self.terminal
            && self.started.elapsed() > PROGRESS_DELAY
            && self
                .shown
                .compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }
}

//! `vaultc graph`, `vaultc stats`, `vaultc path A B`: the entity graph and questions about it.
//! The graph's writers are in [`crate::export::graph`], the statistics and the hops of a path
//! in [`crate::query`]; this file prints them.
//!
//! Exit codes: 0 done; 2 the run failed (bad config, unknown or ambiguous name). `path`
//! exits 1 when both entities exist but no chain of links leads from one to the other, as
//! `grep` does when it finds nothing.

use std::io::{self, Write};

use super::{ExitStatus, RunError, analysis, write_err};
use crate::cli::{GraphArgs, PathArgs, StatsArgs};
use crate::export::graph::printable;
use crate::graph::EntityId;
use crate::pipeline::{Analysis, Timings};
use crate::query::{EntityStat, HistoryStats, Stats, find_entity, hop_link, node};
use crate::session::{Session, Want};

pub(super) fn run_graph(
    args: &GraphArgs,
    session: &mut Session,
    out: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    let a = analysis(session, crate::parse::Detail::Lean)?;
    let mut clock = Timings::start();
    crate::export::graph::write(&a, args.format, out).map_err(write_err)?;
    clock.lap("write");
    Ok(ExitStatus::Success)
}

pub(super) fn run_stats(
    args: &StatsArgs,
    session: &mut Session,
    out: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    let mut a = analysis(session, crate::parse::Detail::Lean)?;
    let want = Want {
        last_commits: true,
        ..Want::default()
    };
    a.history = session.history(&a.vault, want, None);
    let mut clock = Timings::start();
    let stats = Stats::compute(&a);
    clock.lap("stats");
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &stats)
            .map_err(io::Error::from)
            .and_then(|()| writeln!(out))
    } else {
        write_stats_text(&stats, out)
    }
    .map_err(write_err)?;
    Ok(ExitStatus::Success)
}

pub(super) fn run_path(
    args: &PathArgs,
    session: &mut Session,
    out: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    let a = analysis(session, crate::parse::Detail::Lean)?;
    let mut clock = Timings::start();
    let lookup = |name: &str| -> Result<EntityId, RunError> {
        let e = find_entity(&a, name).map_err(|e| RunError::Usage(e.message(name)))?;
        a.graph
            .entity_of(&e)
            .ok_or_else(|| RunError::Usage(format!("`{name}` is not in the link graph")))
    };
    let from = lookup(&args.from)?;
    let to = lookup(&args.to)?;
    let found = a.graph.shortest_path(from, to);
    clock.lap("path");
    let Some(chain) = found else {
        writeln!(
            out,
            "no link path from {} to {}",
            shown(&a, from),
            shown(&a, to)
        )
        .map_err(write_err)?;
        return Ok(ExitStatus::Failure);
    };
    write_path(&a, &chain, out).map_err(write_err)?;
    Ok(ExitStatus::Success)
}

// ---------------------------------------------------------------------------------------------
// stats

fn write_stats_text(s: &Stats, out: &mut dyn Write) -> io::Result<()> {
    let rows: [(&str, usize, &str); 9] = [
        ("notes", s.notes, ""),
        ("links", s.links, "link and embed occurrences"),
        ("attachment links", s.attachment_links, ""),
        ("edges", s.edges, "distinct linked pairs"),
        ("entities", s.entities, "notes and unresolved names"),
        (
            "unresolved",
            s.unresolved,
            "names linked to that no note has",
        ),
        ("tags", s.tags, "distinct, any case"),
        ("orphans", s.orphans, "notes no other note links to"),
        ("components", s.components, "weakly connected"),
    ];
    let width = rows
        .iter()
        .map(|(_, n, _)| n.to_string().len())
        .max()
        .unwrap_or(1);
    for (label, n, note) in rows {
        if note.is_empty() {
            writeln!(out, "{label:<18}{n:>width$}")?;
        } else {
            writeln!(out, "{label:<18}{n:>width$}  ({note})")?;
        }
    }
    write_orphans(out, &s.orphan_notes)?;
    write_board(out, "Most linked (inbound links)", &s.top_inbound, |e| {
        e.inbound_links.to_string()
    })?;
    write_board(out, "Highest PageRank", &s.top_page_rank, |e| {
        format!("{:.4}", e.page_rank)
    })?;
    match &s.history {
        Some(h) => write_history(h, out),
        None => Ok(()),
    }
}

/// How many notes git dates, how many were edited after their stamp, and the ten with the
/// oldest stamps among those.
fn write_history(h: &HistoryStats, out: &mut dyn Write) -> io::Result<()> {
    let head = h
        .head
        .as_deref()
        .map_or("no commit yet", |id| &id[..id.len().min(12)]);
    let shallow = if h.shallow { ", a shallow clone" } else { "" };
    writeln!(out)?;
    writeln!(out, "Git (HEAD {head}{shallow})")?;
    let dated = h.notes.iter().filter(|n| n.last_commit.is_some()).count();
    writeln!(
        out,
        "  {dated} of {} notes dated by a commit",
        h.notes.len()
    )?;
    writeln!(
        out,
        "  {} edited after their `updated` stamp (last commit, stamp):",
        h.edited_after_stamp
    )?;
    let mut late: Vec<_> = h.notes.iter().filter(|n| n.edited_after_stamp).collect();
    // The oldest stamps first (`YYYY-MM-DD` orders as the dates do).
    late.sort_by(|x, y| (&x.updated, &x.path).cmp(&(&y.updated, &y.path)));
    for n in late.iter().take(TOP_LATE) {
        writeln!(
            out,
            "  {}  {}  {}",
            n.last_commit.as_deref().unwrap_or(""),
            n.updated.as_deref().unwrap_or(""),
            printable(&n.path)
        )?;
    }
    if late.len() > TOP_LATE {
        writeln!(
            out,
            "  … and {} more (`--json` lists every note)",
            late.len() - TOP_LATE
        )?;
    }
    Ok(())
}

/// How many orphans `stats` names; `--json` lists them all.
const ORPHANS_SHOWN: usize = 20;

/// The orphan notes by path (up to [`ORPHANS_SHOWN`]), when there are any.
fn write_orphans(out: &mut dyn Write, orphans: &[String]) -> io::Result<()> {
    if orphans.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "Orphans (no other note links to them)")?;
    for path in orphans.iter().take(ORPHANS_SHOWN) {
        writeln!(out, "  {}", printable(path))?;
    }
    if orphans.len() > ORPHANS_SHOWN {
        writeln!(
            out,
            "  … and {} more (`vaultc stats --json` lists them all)",
            orphans.len() - ORPHANS_SHOWN
        )?;
    }
    Ok(())
}

/// How many notes edited after their stamp the text lists.
const TOP_LATE: usize = 10;

fn write_board(
    out: &mut dyn Write,
    title: &str,
    rows: &[EntityStat],
    value: impl Fn(&EntityStat) -> String,
) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "{title}")?;
    if rows.is_empty() {
        return writeln!(out, "  (none)");
    }
    let values: Vec<String> = rows.iter().map(&value).collect();
    let vw = values.iter().map(|v| v.len()).max().unwrap_or(0);
    let names: Vec<String> = rows
        .iter()
        .map(|e| printable(&e.name).into_owned())
        .collect();
    let nw = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    for ((e, v), name) in rows.iter().zip(&values).zip(&names) {
        let place = match &e.path {
            Some(p) => printable(p).into_owned(),
            None => "(unresolved)".to_owned(),
        };
        let pad = nw - name.chars().count();
        writeln!(out, "  {v:>vw$}  {name}{:pad$}  {place}", "")?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// path

/// `Name (path)` or `Name (unresolved)`: the name, with the note's path in the vault.
fn shown(a: &Analysis, id: EntityId) -> String {
    let n = node(a, a.graph.entity(id));
    let place = n
        .path
        .map_or_else(|| "unresolved".to_owned(), |p| printable(p).into_owned());
    format!("{} ({place})", printable(n.name))
}

fn write_path(a: &Analysis, chain: &[EntityId], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}", shown(a, chain[0]))?;
    for hop in chain.windows(2) {
        let (from, to) = (hop[0], hop[1]);
        let mut line = format!("→ {}", shown(a, to));
        if let Some((note, link)) = hop_link(a, from, to) {
            let n = &a.vault.notes[note];
            let l = &n.links[link];
            let text = n.text.get(l.span.range()).unwrap_or_default();
            line.push_str(&format!(
                "  via {}:{}:{}  {}",
                printable(&n.path),
                l.span.line,
                l.span.col,
                printable(text)
            ));
        }
        writeln!(out, "{line}")?;
    }
    Ok(())
}

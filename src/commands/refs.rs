//! `vaultc refs ENTITY` and `vaultc backlinks NOTE`: who points at an entity.
//!
//! `refs` lists every link, one `path:line:col  context` each, grouped by note like
//! `rg --heading`. `backlinks` gives one line per linking note: where its best link is, how
//! many links it has, and that link's line of text. Paths are the notes' paths in the vault,
//! as `stats` and the exports write them. `--json` gives the same as one object.

use std::io::Write;

use serde::Serialize;

use super::{ExitStatus, RunError, write_err};
use crate::cli::RefsArgs;
use crate::model::LinkKind;
use crate::pipeline::Analysis;
use crate::query::{
    EntityRef, LinkingNote, Reference, entity_name, find_entity, linking_notes, references,
};
use crate::session::Session;

pub(super) fn run_refs(
    args: &RefsArgs,
    session: &mut Session,
    out: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    let (a, entity) = load(args, session)?;
    let refs = references(&a, &entity, true);
    let notes = grouped(&a, &refs);
    if args.json {
        let doc = RefsOutput {
            entity: entity_out(&a, &entity),
            count: refs.len(),
            notes,
        };
        write_json(&doc, out)?;
    } else {
        write_refs_text(&notes, out).map_err(write_err)?;
        let summary = format!(
            "{} to {} in {}",
            plural(refs.len(), "reference"),
            shown_entity(&a, &entity),
            plural(notes.len(), "note")
        );
        write_summary(!notes.is_empty(), &summary, out)?;
    }
    Ok(ExitStatus::Success)
}

pub(super) fn run_backlinks(
    args: &RefsArgs,
    session: &mut Session,
    out: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    let (a, entity) = load(args, session)?;
    if let EntityRef::Unresolved(name) = &entity {
        return Err(RunError::Usage(format!(
            "`{name}` has no note (it is only linked to); `vaultc refs {name}` lists the links"
        )));
    }
    let refs = references(&a, &entity, false);
    let notes: Vec<BacklinkOut<'_>> = linking_notes(&a, &refs)
        .iter()
        .map(|n| backlink_out(&a, &refs, n))
        .collect();
    if args.json {
        let doc = BacklinksOutput {
            entity: entity_out(&a, &entity),
            count: refs.len(),
            notes,
        };
        write_json(&doc, out)?;
    } else {
        write_backlinks_text(&notes, out).map_err(write_err)?;
        let summary = format!(
            "{} to {} from {}",
            plural(refs.len(), "link"),
            shown_entity(&a, &entity),
            plural(notes.len(), "note")
        );
        write_summary(!notes.is_empty(), &summary, out)?;
    }
    Ok(ExitStatus::Success)
}

/// The analysed vault and the entity the argument names.
fn load(args: &RefsArgs, session: &mut Session) -> Result<(Analysis, EntityRef), RunError> {
    let a = super::analysis(session, crate::parse::Detail::Lean)?;
    let entity =
        find_entity(&a, &args.entity).map_err(|e| RunError::Usage(e.message(&args.entity)))?;
    Ok((a, entity))
}

#[derive(Serialize)]
struct RefsOutput<'a> {
    entity: EntityOut<'a>,
    /// Links, all of them.
    count: usize,
    notes: Vec<NoteRefs<'a>>,
}

#[derive(Serialize)]
struct BacklinksOutput<'a> {
    entity: EntityOut<'a>,
    /// Links from other notes, all of them.
    count: usize,
    /// One per linking note, most links first.
    notes: Vec<BacklinkOut<'a>>,
}

#[derive(Serialize)]
struct EntityOut<'a> {
    name: String,
    /// `note` or `unresolved`.
    kind: &'static str,
    path: Option<&'a str>,
    aliases: Vec<&'a str>,
}

#[derive(Serialize)]
struct NoteRefs<'a> {
    path: &'a str,
    references: Vec<RefOut<'a>>,
}

#[derive(Serialize)]
struct RefOut<'a> {
    line: u32,
    column: u32,
    start: u32,
    end: u32,
    /// The link as written, brackets included.
    text: &'a str,
    kind: LinkKind,
    in_table: bool,
    context: &'a str,
}

/// A linking note: how many of its links reach the entity, and the best of them.
#[derive(Serialize)]
struct BacklinkOut<'a> {
    path: &'a str,
    count: usize,
    best: RefOut<'a>,
}

fn entity_out<'a>(a: &'a Analysis, entity: &EntityRef) -> EntityOut<'a> {
    let (path, aliases) = match entity {
        EntityRef::Note(id) => {
            let n = &a.vault.notes[*id];
            (
                Some(n.path.as_str()),
                n.aliases.iter().map(|al| al.text.as_str()).collect(),
            )
        }
        EntityRef::Unresolved(_) => (None, Vec::new()),
    };
    EntityOut {
        name: entity_name(a, entity),
        kind: match entity {
            EntityRef::Note(_) => "note",
            EntityRef::Unresolved(_) => "unresolved",
        },
        path,
        aliases,
    }
}

fn ref_out<'a>(a: &'a Analysis, r: &'a Reference) -> RefOut<'a> {
    let note = &a.vault.notes[r.note];
    let link = r.link(a);
    RefOut {
        line: r.span.line,
        column: r.span.col,
        start: r.span.start,
        end: r.span.end,
        text: note
            .text
            .get(link.span.range())
            .unwrap_or(link.target(note)),
        kind: link.kind,
        in_table: link.in_table,
        context: &r.context,
    }
}

fn backlink_out<'a>(a: &'a Analysis, refs: &'a [Reference], n: &LinkingNote) -> BacklinkOut<'a> {
    BacklinkOut {
        path: &a.vault.notes[refs[n.best].note].path,
        count: n.count,
        best: ref_out(a, &refs[n.best]),
    }
}

/// The references grouped by note, in order.
fn grouped<'a>(a: &'a Analysis, refs: &'a [Reference]) -> Vec<NoteRefs<'a>> {
    let mut notes: Vec<NoteRefs<'_>> = Vec::new();
    for r in refs {
        let path = a.vault.notes[r.note].path.as_str();
        let item = ref_out(a, r);
        match notes.last_mut() {
            Some(group) if group.path == path => group.references.push(item),
            _ => notes.push(NoteRefs {
                path,
                references: vec![item],
            }),
        }
    }
    notes
}

fn write_json(doc: &impl Serialize, out: &mut dyn Write) -> Result<(), RunError> {
    serde_json::to_writer_pretty(&mut *out, doc)
        .map_err(std::io::Error::from)
        .map_err(write_err)?;
    writeln!(out).map_err(write_err)
}

/// `path:line:col  context`, a blank line between notes.
fn write_refs_text(notes: &[NoteRefs<'_>], out: &mut dyn Write) -> std::io::Result<()> {
    for (i, group) in notes.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        for r in &group.references {
            let place = format!("{}:{}:{}", group.path, r.line, r.column);
            writeln!(out, "{place}  {}", r.context)?;
        }
    }
    Ok(())
}

/// `path:line:col  N links  context`, in columns.
fn write_backlinks_text(notes: &[BacklinkOut<'_>], out: &mut dyn Write) -> std::io::Result<()> {
    let places: Vec<String> = notes
        .iter()
        .map(|n| format!("{}:{}:{}", n.path, n.best.line, n.best.column))
        .collect();
    let counts: Vec<String> = notes.iter().map(|n| plural(n.count, "link")).collect();
    let pw = places.iter().map(|p| p.chars().count()).max().unwrap_or(0);
    let cw = counts.iter().map(String::len).max().unwrap_or(0);
    for ((n, place), count) in notes.iter().zip(&places).zip(&counts) {
        let pad = pw - place.chars().count();
        writeln!(out, "{place}{:pad$}  {count:<cw$}  {}", "", n.best.context)?;
    }
    Ok(())
}

/// The count line, after a blank line when something was listed.
fn write_summary(listed: bool, summary: &str, out: &mut dyn Write) -> Result<(), RunError> {
    if listed {
        writeln!(out).map_err(write_err)?;
    }
    writeln!(out, "{summary}").map_err(write_err)
}

/// `NVIDIA (Actors/NVIDIA.md)` or `Palantir (no note)`.
fn shown_entity(a: &Analysis, entity: &EntityRef) -> String {
    let name = entity_name(a, entity);
    match entity {
        EntityRef::Note(id) => format!("{name} ({})", a.vault.notes[*id].path),
        EntityRef::Unresolved(_) => format!("{name} (no note)"),
    }
}

/// `1 link`, `3 links`.
fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

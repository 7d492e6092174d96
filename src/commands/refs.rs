//! `vaultc refs ENTITY` and `vaultc backlinks NOTE`: who points at an entity.
//!
//! Text output is grouped by note, one `line:col  context` per reference, like `rg --heading`;
//! `--json` gives the same as one object.

use std::io::Write;

use serde::Serialize;

use super::{ExitStatus, RunError, write_err};
use crate::cli::RefsArgs;
use crate::model::LinkKind;
use crate::pipeline::Analysis;
use crate::query::{EntityRef, Reference, entity_name, find_entity, references};
use crate::session::Session;

pub(super) fn run_refs(
    args: &RefsArgs,
    session: &mut Session,
    out: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    let (a, entity) = load(args, session)?;
    let refs = references(&a, &entity, true);
    print(&a, &entity, &refs, args.json, "reference", out)
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
    print(&a, &entity, &refs, args.json, "backlink", out)
}

/// The analysed vault and the entity the argument names.
fn load(args: &RefsArgs, session: &mut Session) -> Result<(Analysis, EntityRef), RunError> {
    let a = super::analysis(session, crate::parse::Detail::Lean)?;
    let entity =
        find_entity(&a, &args.entity).map_err(|e| RunError::Usage(e.message(&args.entity)))?;
    Ok((a, entity))
}

#[derive(Serialize)]
struct Output<'a> {
    entity: EntityOut<'a>,
    count: usize,
    notes: Vec<NoteRefs<'a>>,
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

fn print(
    a: &Analysis,
    entity: &EntityRef,
    refs: &[Reference],
    json: bool,
    noun: &str,
    out: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    let notes = grouped(a, refs);
    if json {
        write_json(a, entity, refs.len(), notes, out)?;
    } else {
        write_text(a, entity, refs.len(), &notes, noun, out)?;
    }
    Ok(ExitStatus::Success)
}

/// The references grouped by note, in order.
fn grouped<'a>(a: &'a Analysis, refs: &'a [Reference]) -> Vec<NoteRefs<'a>> {
    let mut notes: Vec<NoteRefs<'_>> = Vec::new();
    for r in refs {
        let note = &a.vault.notes[r.note];
        let link = r.link(a);
        let item = RefOut {
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
        };
        match notes.last_mut() {
            Some(group) if group.path == note.path => group.references.push(item),
            _ => notes.push(NoteRefs {
                path: &note.path,
                references: vec![item],
            }),
        }
    }
    notes
}

fn write_json(
    a: &Analysis,
    entity: &EntityRef,
    count: usize,
    notes: Vec<NoteRefs<'_>>,
    out: &mut dyn Write,
) -> Result<(), RunError> {
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
    let doc = Output {
        entity: EntityOut {
            name: entity_name(a, entity),
            kind: match entity {
                EntityRef::Note(_) => "note",
                EntityRef::Unresolved(_) => "unresolved",
            },
            path,
            aliases,
        },
        count,
        notes,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)
        .map_err(std::io::Error::from)
        .map_err(write_err)?;
    writeln!(out).map_err(write_err)
}

fn write_text(
    a: &Analysis,
    entity: &EntityRef,
    count: usize,
    notes: &[NoteRefs<'_>],
    noun: &str,
    out: &mut dyn Write,
) -> Result<(), RunError> {
    // Paths as the user can open them from here (`vault/Actors/Meta.md:6:19`).
    let prefix = std::fs::canonicalize(&a.vault.root)
        .map_or_else(|_| String::new(), |root| super::path_prefix(&root));
    for (i, group) in notes.iter().enumerate() {
        if i > 0 {
            writeln!(out).map_err(write_err)?;
        }
        for r in &group.references {
            let place = format!("{prefix}{}:{}:{}", group.path, r.line, r.column);
            writeln!(out, "{place}  {}", r.context).map_err(write_err)?;
        }
    }
    let name = entity_name(a, entity);
    let what = match entity {
        EntityRef::Note(id) => format!("{name} ({})", a.vault.notes[*id].path),
        EntityRef::Unresolved(_) => format!("{name} (no note)"),
    };
    if !notes.is_empty() {
        writeln!(out).map_err(write_err)?;
    }
    writeln!(
        out,
        "{} {}{} to {what} in {} {}",
        count,
        noun,
        if count == 1 { "" } else { "s" },
        notes.len(),
        if notes.len() == 1 { "note" } else { "notes" }
    )
    .map_err(write_err)
}

//! `vaultc graph`, `vaultc stats`, `vaultc path A B`: the entity graph and questions about it.
//!
//! Every output lists entities in [`EntityId`] order (notes by path, then unresolved names in
//! the order the vault first links to them) and edges sorted by (from, to), so identical
//! vaults give byte-identical output.
//!
//! Exit codes: 0 done; 2 the run failed (bad config, unknown or ambiguous name). `path`
//! exits 1 when both entities exist but no chain of links leads from one to the other, as
//! `grep` does when it finds nothing.

use std::collections::HashSet;
use std::io::{self, Write};

use serde::Serialize;

use super::{ExitStatus, RunError, analysis, write_err};
use crate::cli::{GraphArgs, GraphFormat, PathArgs, StatsArgs};
use crate::graph::{Entity, EntityId};
use crate::index::{Target, fold};
use crate::pipeline::{Analysis, Timings};
use crate::query::{EntityRef, find_entity};
use crate::session::Session;

/// How many entities the `stats` leader boards show.
const TOP: usize = 10;

pub(super) fn run_graph(
    args: &GraphArgs,
    session: &mut Session,
    out: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    let a = analysis(session, crate::parse::Detail::Lean)?;
    let mut clock = Timings::start();
    match args.format {
        GraphFormat::Json => write_json(&a, out),
        GraphFormat::Dot => write_dot(&a, out),
        GraphFormat::Graphml => write_graphml(&a, out),
        GraphFormat::Mermaid => write_mermaid(&a, out),
    }
    .map_err(write_err)?;
    clock.lap("write");
    Ok(ExitStatus::Success)
}

pub(super) fn run_stats(
    args: &StatsArgs,
    session: &mut Session,
    out: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    let a = analysis(session, crate::parse::Detail::Lean)?;
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
    let shown = Shown::new(&a);
    let found = a.graph.shortest_path(from, to);
    clock.lap("path");
    let Some(chain) = found else {
        writeln!(
            out,
            "no link path from {} to {}",
            shown.entity(&a, from),
            shown.entity(&a, to)
        )
        .map_err(write_err)?;
        return Ok(ExitStatus::Failure);
    };
    write_path(&a, &shown, &chain, out).map_err(write_err)?;
    Ok(ExitStatus::Success)
}

// ---------------------------------------------------------------------------------------------
// Nodes in vault terms

/// What every format says about an entity.
struct Node<'a> {
    kind: &'static str,
    name: &'a str,
    /// The note's vault path; `None` for an unresolved name.
    path: Option<&'a str>,
}

fn node<'a>(a: &'a Analysis, e: &'a Entity) -> Node<'a> {
    match e {
        Entity::Note(id) => {
            let note = &a.vault.notes[*id];
            Node {
                kind: "note",
                name: &note.name,
                path: Some(&note.path),
            }
        }
        Entity::Unresolved(name) => Node {
            kind: "unresolved",
            name,
            path: None,
        },
    }
}

/// `s` with characters XML 1.0 cannot hold (and other C0 controls) replaced, so that every
/// text format gets printable names: tab and line breaks become spaces.
fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}';
    if !s.chars().any(bad) {
        return s.into();
    }
    s.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => ' ',
            c if bad(c) => '\u{FFFD}',
            c => c,
        })
        .collect::<String>()
        .into()
}

// ---------------------------------------------------------------------------------------------
// graph --format json

#[derive(Serialize)]
struct JsonNode<'a> {
    id: EntityId,
    kind: &'static str,
    name: &'a str,
    /// `null` for unresolved entities.
    path: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonEdge {
    from: EntityId,
    to: EntityId,
    count: u32,
}

#[derive(Serialize)]
struct JsonGraph<'a> {
    nodes: Vec<JsonNode<'a>>,
    edges: Vec<JsonEdge>,
}

fn write_json(a: &Analysis, out: &mut dyn Write) -> io::Result<()> {
    let doc = JsonGraph {
        nodes: a
            .graph
            .entities()
            .map(|(id, e)| {
                let n = node(a, e);
                JsonNode {
                    id,
                    kind: n.kind,
                    name: n.name,
                    path: n.path,
                }
            })
            .collect(),
        edges: a
            .graph
            .edges()
            .map(|(from, to, count)| JsonEdge { from, to, count })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

// ---------------------------------------------------------------------------------------------
// graph --format dot

/// A DOT double-quoted string: `"` and `\` escaped, line breaks as `\n`.
fn dot_quote(s: &str) -> String {
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => q.push('\u{FFFD}'),
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

/// DOT node IDs: a note's vault path, an unresolved entity's name (a name that a note's path
/// already took, which resolution makes all but impossible, gets its entity number added).
fn dot_ids(a: &Analysis) -> Vec<String> {
    let mut taken = HashSet::new();
    a.graph
        .entities()
        .map(|(id, e)| {
            let n = node(a, e);
            let raw = n.path.unwrap_or(n.name);
            let mut s = dot_quote(raw);
            if !taken.insert(s.clone()) {
                s = dot_quote(&format!("{raw} #{id}"));
                taken.insert(s.clone());
            }
            s
        })
        .collect()
}

fn write_dot(a: &Analysis, out: &mut dyn Write) -> io::Result<()> {
    let ids = dot_ids(a);
    writeln!(out, "digraph vault {{")?;
    writeln!(out, "  graph [rankdir=LR];")?;
    writeln!(out, "  node [shape=box];")?;
    for (id, e) in a.graph.entities() {
        let n = node(a, e);
        let label = dot_quote(n.name);
        match e {
            Entity::Note(_) => writeln!(out, "  {} [label={label}];", ids[id])?,
            Entity::Unresolved(_) => writeln!(
                out,
                "  {} [label={label}, style=dashed, shape=ellipse];",
                ids[id]
            )?,
        }
    }
    for (from, to, count) in a.graph.edges() {
        if count > 1 {
            writeln!(
                out,
                "  {} -> {} [weight={count}, label=\"{count}\"];",
                ids[from], ids[to]
            )?;
        } else {
            writeln!(out, "  {} -> {};", ids[from], ids[to])?;
        }
    }
    writeln!(out, "}}")
}

// ---------------------------------------------------------------------------------------------
// graph --format graphml

/// Text for XML content or a double- or single-quoted attribute.
fn xml_escape(s: &str) -> String {
    let s = printable(s);
    let mut e = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => e.push_str("&amp;"),
            '<' => e.push_str("&lt;"),
            '>' => e.push_str("&gt;"),
            '"' => e.push_str("&quot;"),
            '\'' => e.push_str("&apos;"),
            c => e.push(c),
        }
    }
    e
}

fn write_graphml(a: &Analysis, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">"#
    )?;
    writeln!(
        out,
        r#"  <key id="name" for="node" attr.name="name" attr.type="string"/>"#
    )?;
    writeln!(
        out,
        r#"  <key id="kind" for="node" attr.name="kind" attr.type="string"/>"#
    )?;
    writeln!(
        out,
        r#"  <key id="path" for="node" attr.name="path" attr.type="string"/>"#
    )?;
    writeln!(
        out,
        r#"  <key id="count" for="edge" attr.name="count" attr.type="int"/>"#
    )?;
    writeln!(out, r#"  <graph id="vault" edgedefault="directed">"#)?;
    for (id, e) in a.graph.entities() {
        let n = node(a, e);
        write!(
            out,
            r#"    <node id="n{id}"><data key="name">{}</data><data key="kind">{}</data>"#,
            xml_escape(n.name),
            n.kind
        )?;
        if let Some(path) = n.path {
            write!(out, r#"<data key="path">{}</data>"#, xml_escape(path))?;
        }
        writeln!(out, "</node>")?;
    }
    for (i, (from, to, count)) in a.graph.edges().enumerate() {
        writeln!(
            out,
            r#"    <edge id="e{i}" source="n{from}" target="n{to}"><data key="count">{count}</data></edge>"#
        )?;
    }
    writeln!(out, "  </graph>")?;
    writeln!(out, "</graphml>")
}

// ---------------------------------------------------------------------------------------------
// graph --format mermaid

/// Label text for a Mermaid `["..."]` label: characters Mermaid's parser or its HTML
/// rendering would read as syntax become Mermaid entity codes (`#quot;`, `#91;`, …; `#`
/// itself too, so a name can never spell an entity code by accident).
fn mermaid_escape(s: &str) -> String {
    let s = printable(s);
    let mut e = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => e.push_str("#quot;"),
            '#' => e.push_str("#35;"),
            '&' => e.push_str("#amp;"),
            '<' => e.push_str("#lt;"),
            '>' => e.push_str("#gt;"),
            '[' => e.push_str("#91;"),
            ']' => e.push_str("#93;"),
            '|' => e.push_str("#124;"),
            '{' => e.push_str("#123;"),
            '}' => e.push_str("#125;"),
            ';' => e.push_str("#59;"),
            '`' => e.push_str("#96;"),
            c => e.push(c),
        }
    }
    e
}

fn write_mermaid(a: &Analysis, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "flowchart LR")?;
    for (id, e) in a.graph.entities() {
        let label = mermaid_escape(node(a, e).name);
        match e {
            Entity::Note(_) => writeln!(out, "  n{id}[\"{label}\"]")?,
            Entity::Unresolved(_) => writeln!(out, "  n{id}[\"{label}\"]:::unresolved")?,
        }
    }
    for (from, to, count) in a.graph.edges() {
        if count > 1 {
            writeln!(out, "  n{from} -->|{count}| n{to}")?;
        } else {
            writeln!(out, "  n{from} --> n{to}")?;
        }
    }
    writeln!(out, "  classDef unresolved stroke-dasharray: 5 5")
}

// ---------------------------------------------------------------------------------------------
// stats

/// `vaultc stats --json`. Field names are stable; new fields may be added.
#[derive(Serialize)]
struct Stats {
    notes: usize,
    /// Link and embed occurrences in all notes, whatever they reach.
    links: usize,
    /// The occurrences among `links` that reach an attachment (not graph edges).
    attachment_links: usize,
    /// Distinct (from, to) entity pairs.
    edges: usize,
    entities: usize,
    /// Unresolved entities (names linked to that no note has).
    unresolved: usize,
    /// Distinct tags, case-insensitive (`#a/b` counts once, as `a/b`).
    tags: usize,
    /// Notes no other note links to.
    orphans: usize,
    /// Weakly connected components of the link graph.
    components: usize,
    orphan_notes: Vec<String>,
    /// Every unresolved entity, most linked first.
    unresolved_entities: Vec<EntityStat>,
    /// Up to ten entities with the most inbound links (ties by name).
    top_inbound: Vec<EntityStat>,
    /// Up to ten entities with the highest PageRank (ties by name).
    top_page_rank: Vec<EntityStat>,
}

#[derive(Serialize, Clone)]
struct EntityStat {
    id: EntityId,
    kind: &'static str,
    name: String,
    path: Option<String>,
    /// Links from other entities.
    inbound_links: u32,
    /// Entities (notes) that link here.
    linking_notes: usize,
    page_rank: f64,
}

impl Stats {
    fn compute(a: &Analysis) -> Self {
        let g = &a.graph;
        let rank = g.page_rank();
        let stat = |id: EntityId| {
            let n = node(a, g.entity(id));
            EntityStat {
                id,
                kind: n.kind,
                name: n.name.to_owned(),
                path: n.path.map(str::to_owned),
                inbound_links: g.inbound_links(id),
                linking_notes: g.linking_sources(id),
                page_rank: rank[id],
            }
        };
        let all: Vec<EntityStat> = (0..g.entity_count()).map(stat).collect();
        let by_inbound = |x: &EntityStat, y: &EntityStat| {
            y.inbound_links
                .cmp(&x.inbound_links)
                .then_with(|| x.name.cmp(&y.name))
                .then(x.id.cmp(&y.id))
        };
        let mut top_inbound: Vec<EntityStat> = all
            .iter()
            .filter(|s| s.inbound_links > 0)
            .cloned()
            .collect();
        top_inbound.sort_by(by_inbound);
        top_inbound.truncate(TOP);
        let mut top_page_rank = all.clone();
        top_page_rank.sort_by(|x, y| {
            y.page_rank
                .total_cmp(&x.page_rank)
                .then_with(|| x.name.cmp(&y.name))
                .then(x.id.cmp(&y.id))
        });
        top_page_rank.truncate(TOP);
        let mut unresolved_entities: Vec<EntityStat> =
            all.into_iter().filter(|s| s.kind == "unresolved").collect();
        unresolved_entities.sort_by(by_inbound);

        let tags: HashSet<String> = a
            .vault
            .notes
            .iter()
            .flat_map(|n| &n.tags)
            .map(|t| fold(&t.name).into_owned())
            .collect();
        let orphans = g.orphans();
        Stats {
            notes: a.vault.notes.len(),
            links: a.vault.notes.iter().map(|n| n.links.len()).sum(),
            attachment_links: a
                .resolved
                .iter()
                .flatten()
                .filter(|r| matches!(r.target(), Target::Attachment(_)))
                .count(),
            edges: g.edge_count(),
            entities: g.entity_count(),
            unresolved: g.unresolved_count(),
            tags: tags.len(),
            orphans: orphans.len(),
            components: g.components(),
            orphan_notes: orphans
                .iter()
                .map(|&id| a.vault.notes[id].path.clone())
                .collect(),
            unresolved_entities,
            top_inbound,
            top_page_rank,
        }
    }
}

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
    write_board(out, "Most linked (inbound links)", &s.top_inbound, |e| {
        e.inbound_links.to_string()
    })?;
    write_board(out, "Highest PageRank", &s.top_page_rank, |e| {
        format!("{:.4}", e.page_rank)
    })
}

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

/// How `path` shows paths: from the current folder, as `check` does, so they can be clicked.
struct Shown {
    prefix: String,
}

impl Shown {
    fn new(a: &Analysis) -> Self {
        let prefix = std::fs::canonicalize(&a.vault.root)
            .map_or_else(|_| String::new(), |root| super::path_prefix(&root));
        Self { prefix }
    }

    fn path(&self, vault_path: &str) -> String {
        format!("{}{}", self.prefix, printable(vault_path))
    }

    /// `Name (path)` or `Name (unresolved)`.
    fn entity(&self, a: &Analysis, id: EntityId) -> String {
        let n = node(a, a.graph.entity(id));
        let place = n
            .path
            .map_or_else(|| "unresolved".to_owned(), |p| self.path(p));
        format!("{} ({place})", printable(n.name))
    }
}

fn write_path(
    a: &Analysis,
    shown: &Shown,
    chain: &[EntityId],
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out, "{}", shown.entity(a, chain[0]))?;
    for hop in chain.windows(2) {
        let (from, to) = (hop[0], hop[1]);
        let mut line = format!("→ {}", shown.entity(a, to));
        if let Some((note, link)) = hop_link(a, from, to) {
            let n = &a.vault.notes[note];
            let l = &n.links[link];
            let text = n.text.get(l.span.range()).unwrap_or_default();
            line.push_str(&format!(
                "  via {}:{}:{}  {}",
                shown.path(&n.path),
                l.span.line,
                l.span.col,
                printable(text)
            ));
        }
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// The first link (in text order) in note `from` that reaches entity `to`: (note, link index).
fn hop_link(a: &Analysis, from: EntityId, to: EntityId) -> Option<(usize, usize)> {
    let Entity::Note(note) = *a.graph.entity(from) else {
        return None;
    };
    let want = match a.graph.entity(to) {
        Entity::Note(id) => EntityRef::Note(*id),
        Entity::Unresolved(name) => EntityRef::Unresolved(fold(name).into_owned()),
    };
    let note_ref = &a.vault.notes[note];
    let links = note_ref.links.iter().zip(&a.resolved[note]);
    links
        .enumerate()
        .find(|(_, (link, r))| match (&want, r.target()) {
            (EntityRef::Note(id), _) => r.note() == Some(*id),
            (EntityRef::Unresolved(key), Target::Unresolved) => {
                fold(link.target(note_ref)) == key.as_str()
            }
            _ => false,
        })
        .map(|(i, _)| (note, i))
}

//! The link graph as JSON, Graphviz dot, GraphML or Mermaid (`vaultc graph`).
//!
//! Every format lists entities in [`EntityId`] order (notes by path, then unresolved names in
//! the order the vault first links to them) and edges sorted by (from, to), so identical
//! vaults give byte-identical output.

use std::collections::HashSet;
use std::io::{self, Write};

use serde::Serialize;

use crate::graph::{Entity, EntityId};
use crate::pipeline::Analysis;
use crate::query::node;

/// The formats of `vaultc graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    Json,
    Dot,
    Graphml,
    Mermaid,
}

/// Writes the link graph of `a` in `format`.
pub fn write(a: &Analysis, format: GraphFormat, out: &mut dyn Write) -> io::Result<()> {
    match format {
        GraphFormat::Json => write_json(a, out),
        GraphFormat::Dot => write_dot(a, out),
        GraphFormat::Graphml => write_graphml(a, out),
        GraphFormat::Mermaid => write_mermaid(a, out),
    }
}

/// `s` with characters XML 1.0 cannot hold (and other C0 controls) replaced, so that every
/// text format gets printable names: tab and line breaks become spaces.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
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

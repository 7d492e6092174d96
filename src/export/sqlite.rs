//! `vaultc export --sqlite FILE`: the [`Model`] as relational tables.
//!
//! The database is written to a temporary file beside `FILE` and renamed over it at the end,
//! so readers see the old database or the new one, never half of one. Because the file is
//! private until that rename, it is filled without a journal and indexed after the inserts.
//!
//! Tables (see [`SCHEMA`]): `notes`, `entities`, `aliases`, `tags`, `headings`, `blocks`,
//! `links`, `edges`, `tables`, `table_columns`, `cells`, `attachments`, `diagnostics`, and the
//! FTS5 table `note_text` over each note's title and text.

use std::path::Path;

use rusqlite::{Connection, params};

use super::Model;
use crate::cells::CellValue;
use crate::pipeline::Analysis;

pub const SCHEMA: &str = r#"
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    title TEXT NOT NULL,
    entity_id INTEGER NOT NULL REFERENCES entities(id),
    frontmatter TEXT,            -- JSON object, or NULL
    updated TEXT,                -- YYYY-MM-DD, or NULL
    word_count INTEGER NOT NULL
);
CREATE TABLE entities (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('note', 'unresolved')),
    name TEXT NOT NULL,
    note_id INTEGER REFERENCES notes(id),
    inbound_links INTEGER NOT NULL
);
CREATE TABLE aliases (
    note_id INTEGER NOT NULL REFERENCES notes(id),
    alias TEXT NOT NULL
);
CREATE TABLE tags (
    note_id INTEGER NOT NULL REFERENCES notes(id),
    tag TEXT NOT NULL,
    source TEXT NOT NULL,
    line INTEGER NOT NULL,
    col INTEGER NOT NULL
);
CREATE TABLE headings (
    note_id INTEGER NOT NULL REFERENCES notes(id),
    level INTEGER NOT NULL,
    text TEXT NOT NULL,
    anchor TEXT NOT NULL,
    line INTEGER NOT NULL
);
CREATE TABLE blocks (
    note_id INTEGER NOT NULL REFERENCES notes(id),
    block_id TEXT NOT NULL,
    line INTEGER NOT NULL
);
CREATE TABLE links (
    id INTEGER PRIMARY KEY,
    note_id INTEGER NOT NULL REFERENCES notes(id),
    idx INTEGER NOT NULL,        -- position among the note's links
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    subpath TEXT,
    display TEXT,
    status TEXT NOT NULL,        -- note | attachment | alias | unresolved
    target_path TEXT,
    target_entity_id INTEGER REFERENCES entities(id),
    in_table INTEGER NOT NULL,
    line INTEGER NOT NULL,
    col INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL
);
CREATE TABLE edges (
    from_entity INTEGER NOT NULL REFERENCES entities(id),
    to_entity INTEGER NOT NULL REFERENCES entities(id),
    count INTEGER NOT NULL,
    PRIMARY KEY (from_entity, to_entity)
);
CREATE TABLE tables (
    id INTEGER PRIMARY KEY,
    note_id INTEGER NOT NULL REFERENCES notes(id),
    idx INTEGER NOT NULL,
    line INTEGER NOT NULL,
    caption TEXT,
    heading_path TEXT NOT NULL   -- JSON array of the headings above the table
);
CREATE TABLE table_columns (
    table_id INTEGER NOT NULL REFERENCES tables(id),
    col INTEGER NOT NULL,
    name TEXT NOT NULL,
    align TEXT NOT NULL,
    PRIMARY KEY (table_id, col)
);
CREATE TABLE cells (
    table_id INTEGER NOT NULL REFERENCES tables(id),
    row INTEGER NOT NULL,
    col INTEGER NOT NULL,
    text TEXT NOT NULL,
    type TEXT,                   -- percent | currency | multiple | number | basis_points | date
    value REAL,                  -- the typed value (dates: NULL, see date)
    currency TEXT,
    approx INTEGER,
    date TEXT,
    PRIMARY KEY (table_id, row, col)
) WITHOUT ROWID;
CREATE TABLE attachments (path TEXT PRIMARY KEY);
CREATE TABLE diagnostics (
    path TEXT NOT NULL,
    rule TEXT NOT NULL,
    level TEXT NOT NULL,
    message TEXT NOT NULL,
    line INTEGER,
    col INTEGER
);
CREATE VIRTUAL TABLE note_text USING fts5(path UNINDEXED, title, body);
"#;

const INDEXES: &str = r#"
CREATE INDEX links_note ON links(note_id);
CREATE INDEX links_target_entity ON links(target_entity_id);
CREATE INDEX tags_tag ON tags(tag COLLATE NOCASE);
CREATE INDEX tags_note ON tags(note_id);
CREATE INDEX aliases_alias ON aliases(alias COLLATE NOCASE);
CREATE INDEX entities_name ON entities(name COLLATE NOCASE);
CREATE INDEX edges_to ON edges(to_entity);
CREATE INDEX headings_note ON headings(note_id);
"#;

/// Writes the database to `path` atomically (temporary sibling, then rename).
pub fn write_file(a: &Analysis, model: &Model<'_>, path: &Path) -> rusqlite::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".vaultc-export-")
        .suffix(".sqlite")
        .tempfile_in(dir)
        .map_err(io_err)?;
    {
        let mut conn = Connection::open(tmp.path())?;
        fill(&mut conn, a, model)?;
        conn.close().map_err(|(_, e)| e)?;
    }
    tmp.persist(path).map_err(|e| io_err(e.error))?;
    Ok(())
}

fn io_err(e: std::io::Error) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(Box::new(e))
}

fn fill(conn: &mut Connection, a: &Analysis, m: &Model<'_>) -> rusqlite::Result<()> {
    conn.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF; \
         PRAGMA locking_mode = EXCLUSIVE;",
    )?;
    conn.execute_batch(SCHEMA)?;
    let mut clock = crate::pipeline::Timings::start();
    let tx = conn.transaction()?;
    {
        let mut meta = tx.prepare("INSERT INTO meta VALUES (?1, ?2)")?;
        meta.execute(params!["schema_version", m.schema_version.to_string()])?;
        meta.execute(params!["generator", m.generator])?;
        meta.execute(params!["title", m.title])?;

        let mut note_of_entity = vec![None; m.entities.len()];
        for id in 0..m.notes.len() {
            if let Some(slot) = note_of_entity.get_mut(a.graph.note_entity(id)) {
                *slot = Some(id);
            }
        }
        let mut entity = tx.prepare("INSERT INTO entities VALUES (?1, ?2, ?3, ?4, ?5)")?;
        for e in &m.entities {
            let note_id = note_of_entity.get(e.id).copied().flatten();
            entity.execute(params![e.id, e.kind, e.name, note_id, e.inbound_links])?;
        }

        let mut note = tx.prepare("INSERT INTO notes VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")?;
        let mut alias = tx.prepare("INSERT INTO aliases VALUES (?1, ?2)")?;
        let mut tag = tx.prepare("INSERT INTO tags VALUES (?1, ?2, ?3, ?4, ?5)")?;
        let mut heading = tx.prepare("INSERT INTO headings VALUES (?1, ?2, ?3, ?4, ?5)")?;
        let mut block = tx.prepare("INSERT INTO blocks VALUES (?1, ?2, ?3)")?;
        let mut link = tx.prepare(
            "INSERT INTO links (note_id, idx, kind, target, subpath, display, status, \
             target_path, target_entity_id, in_table, line, col, start, end) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )?;
        let mut table = tx.prepare("INSERT INTO tables VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?;
        let mut column = tx.prepare("INSERT INTO table_columns VALUES (?1, ?2, ?3, ?4)")?;
        let mut cell =
            tx.prepare("INSERT INTO cells VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")?;
        let mut text = tx.prepare("INSERT INTO note_text VALUES (?1, ?2, ?3)")?;
        let mut table_id = 0_i64;
        for n in m.notes.batches().flatten() {
            let frontmatter = n
                .frontmatter
                .map(|f| serde_json::to_string(f).unwrap_or_default());
            let updated = n.updated.as_ref().map(|u| u.date.as_str());
            note.execute(params![
                n.id,
                n.path,
                n.name,
                n.title,
                n.entity,
                frontmatter,
                updated,
                n.word_count
            ])?;
            for al in &n.aliases {
                alias.execute(params![n.id, al])?;
            }
            for t in &n.tags {
                let source = match t.source {
                    crate::model::TagSource::Inline => "inline",
                    crate::model::TagSource::Frontmatter => "frontmatter",
                };
                tag.execute(params![n.id, t.name, source, t.span.line, t.span.col])?;
            }
            for h in &n.headings {
                heading.execute(params![n.id, h.level, h.text, h.anchor, h.span.line])?;
            }
            for b in &n.blocks {
                block.execute(params![n.id, b.id, b.span.line])?;
            }
            for (i, l) in n.links.iter().enumerate() {
                let subpath = match l.subpath {
                    crate::model::Subpath::None => None,
                    crate::model::Subpath::Heading(chain) => Some(chain.joined()),
                    crate::model::Subpath::Block(id) => Some(format!("^{id}")),
                };
                let kind = serde_json::to_value(l.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned));
                link.execute(params![
                    n.id,
                    i,
                    kind,
                    l.target,
                    subpath,
                    l.display,
                    l.resolution.status,
                    l.resolution.path,
                    l.resolution.entity,
                    l.in_table,
                    l.span.line,
                    l.span.col,
                    l.span.start,
                    l.span.end
                ])?;
            }
            for (i, t) in n.tables.iter().enumerate() {
                table_id += 1;
                let heading_path = serde_json::to_string(t.heading_path).unwrap_or_default();
                table.execute(params![
                    table_id,
                    n.id,
                    i,
                    t.span.line,
                    t.caption,
                    heading_path
                ])?;
                for (c, name) in t.columns.iter().enumerate() {
                    let align = t
                        .alignments
                        .get(c)
                        .and_then(|al| serde_json::to_value(al).ok())
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_else(|| "none".to_owned());
                    column.execute(params![table_id, c, name, align])?;
                }
                for (r, row) in t.rows.iter().enumerate() {
                    for (c, v) in row.iter().enumerate() {
                        let (ty, value, currency, approx, date) = cell_columns(v.value.as_ref());
                        cell.execute(params![
                            table_id, r, c, v.text, ty, value, currency, approx, date
                        ])?;
                    }
                }
            }
            let note_text = &a.vault.notes[n.id].text;
            text.execute(params![n.path, n.title, note_text])?;
        }

        let mut edge = tx.prepare("INSERT INTO edges VALUES (?1, ?2, ?3)")?;
        for e in &m.edges {
            edge.execute(params![e.from, e.to, e.count])?;
        }
        let mut attachment = tx.prepare("INSERT INTO attachments VALUES (?1)")?;
        for p in m.attachments {
            attachment.execute(params![p])?;
        }
        let mut diagnostic =
            tx.prepare("INSERT INTO diagnostics VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?;
        for d in &m.diagnostics {
            diagnostic.execute(params![
                d.path,
                d.rule,
                d.level,
                d.message,
                d.span.map(|s| s.line),
                d.span.map(|s| s.col)
            ])?;
        }
    }
    tx.commit()?;
    clock.lap("sqlite rows");
    conn.execute_batch(INDEXES)?;
    clock.lap("sqlite indexes");
    Ok(())
}

type CellColumns<'v> = (
    Option<&'static str>,
    Option<f64>,
    Option<&'v str>,
    Option<bool>,
    Option<String>,
);

/// A typed cell value spread over the `cells` columns.
fn cell_columns(v: Option<&CellValue>) -> CellColumns<'_> {
    match v {
        None => (None, None, None, None, None),
        Some(CellValue::Percent { value }) => (Some("percent"), Some(*value), None, None, None),
        Some(CellValue::Currency {
            value,
            currency,
            approx,
        }) => (
            Some("currency"),
            Some(*value),
            Some(currency.as_str()),
            Some(*approx),
            None,
        ),
        Some(CellValue::Multiple { value }) => (Some("multiple"), Some(*value), None, None, None),
        Some(CellValue::Number { value, approx }) => {
            (Some("number"), Some(*value), None, Some(*approx), None)
        }
        Some(CellValue::BasisPoints { value }) => {
            (Some("basis_points"), Some(*value), None, None, None)
        }
        Some(CellValue::Date { value }) => {
            (Some("date"), None, None, None, Some(value.to_string()))
        }
    }
}

//! `vaultc export --sqlite FILE`: the [`Model`] as relational tables.
//!
//! The database is written to a temporary file beside `FILE` and renamed over it at the end,
//! so readers see the old database or the new one, never half of one. Because the file is
//! private until that rename, it is filled without a journal and indexed after the inserts.
//!
//! Tables (see [`SCHEMA`]): `notes`, `entities`, `aliases`, `tags`, `headings`, `blocks`,
//! `links`, `edges`, `tables`, `table_columns`, `cells`, `attachments`, `diagnostics`, and the
//! FTS5 table `note_text` over each note's title and readable text (see [`super::readable`]:
//! no frontmatter, links as they show, tables as their cells).

use std::path::Path;

use rusqlite::{Connection, params};

use super::{Model, NoteOut};
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
    word_count INTEGER NOT NULL,
    last_commit TEXT,            -- YYYY-MM-DD of the last commit that changed the note, or NULL
    last_commit_id TEXT          -- that commit, in hex
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
    alias TEXT NOT NULL,
    line INTEGER NOT NULL,
    col INTEGER NOT NULL,
    start INTEGER NOT NULL,      -- byte range in the note's text
    end INTEGER NOT NULL
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
    line INTEGER NOT NULL,
    line_col INTEGER NOT NULL,   -- character column of the header cell's start in its line
    start INTEGER NOT NULL,      -- byte range in the note's text
    end INTEGER NOT NULL,
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
    line INTEGER NOT NULL,
    line_col INTEGER NOT NULL,   -- character column of the cell's start in its line
    start INTEGER NOT NULL,      -- byte range in the note's text
    end INTEGER NOT NULL,
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
"#;

/// The full-text table, created last: [`SCHEMA`] then this is the whole schema.
pub const FTS_TABLE: &str =
    "CREATE VIRTUAL TABLE note_text USING fts5(path UNINDEXED, title, body);";

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

/// The FTS5 table's shadow tables, in the order SQLite creates them: what [`fts_copy`] moves
/// from the side database into the export.
const FTS_SHADOWS: [&str; 5] = [
    "note_text_data",
    "note_text_idx",
    "note_text_content",
    "note_text_docsize",
    "note_text_config",
];

/// Writes the database to `path` atomically (temporary sibling, then rename).
///
/// Two writers run at once, one per file: this thread fills the relational tables while
/// another fills the same FTS5 table in a private side database (tokenising every note's text
/// is a third of the work). The side table's shadow tables are then copied into the export
/// row for row, so the database holds exactly what inserting into `note_text` directly gives.
pub fn write_file(a: &Analysis, model: &Model<'_>, path: &Path) -> rusqlite::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // The database is written beside `path` and renamed over it (see crate::cache::atomic).
    let tmp = crate::cache::AtomicFile::beside(path).map_err(io_err)?;
    let fts_tmp = tempfile::Builder::new()
        .prefix(".vaultc-export-fts-")
        .suffix(".sqlite")
        .tempfile_in(dir)
        .map_err(io_err)?;
    {
        let mut conn = Connection::open(tmp.temp_path())?;
        std::thread::scope(|s| -> rusqlite::Result<()> {
            let fts = s.spawn(|| fill_fts(a, fts_tmp.path()));
            let filled = fill(&mut conn, a, model);
            let mut clock = crate::pipeline::Timings::start();
            let fts = fts
                .join()
                .unwrap_or_else(|_| Err(io_err(std::io::Error::other("the FTS5 writer panicked"))));
            clock.lap("sqlite fts wait");
            filled?;
            fts
        })?;
        fts_copy(&mut conn, fts_tmp.path())?;
        conn.close().map_err(|(_, e)| e)?;
    }
    drop(fts_tmp);
    tmp.commit().map_err(io_err)?;
    Ok(())
}

fn io_err(e: std::io::Error) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(Box::new(e))
}

/// Settings for a private file nobody reads until it is complete: no journal, no syncs.
const PRAGMAS: &str = "PRAGMA page_size = 16384; PRAGMA journal_mode = OFF; \
     PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF; PRAGMA locking_mode = EXCLUSIVE;";

/// For the export itself: a larger page cache (32 MB), so that fewer pages are written out
/// and read back while filling, and a helper thread for sorting when indexing.
const MAIN_PRAGMAS: &str = "PRAGMA cache_size = -32768; PRAGMA threads = 2;";

/// Fills `note_text` of a side database at `path` (see [`write_file`]), in note order.
fn fill_fts(a: &Analysis, path: &Path) -> rusqlite::Result<()> {
    let mut conn = Connection::open(path)?;
    conn.execute_batch(PRAGMAS)?;
    conn.execute_batch(FTS_TABLE)?;
    let tx = conn.transaction()?;
    {
        let mut text = tx.prepare("INSERT INTO note_text VALUES (?1, ?2, ?3)")?;
        for note in &a.vault.notes {
            let body = super::readable::readable_text(note);
            text.execute(params![note.path, note.title, body])?;
        }
    }
    tx.commit()?;
    conn.close().map_err(|(_, e)| e)
}

/// Replaces the rows of the export's (empty) `note_text` by those of the side database's.
fn fts_copy(conn: &mut Connection, side: &Path) -> rusqlite::Result<()> {
    let mut clock = crate::pipeline::Timings::start();
    let side = side
        .to_str()
        .ok_or_else(|| io_err(std::io::Error::other("temporary path is not UTF-8")))?;
    conn.execute("ATTACH DATABASE ?1 AS side", params![side])?;
    let tx = conn.transaction()?;
    for t in FTS_SHADOWS {
        tx.execute_batch(&format!(
            "DELETE FROM main.{t}; INSERT INTO main.{t} SELECT * FROM side.{t};"
        ))?;
    }
    tx.commit()?;
    conn.execute_batch("DETACH DATABASE side")?;
    clock.lap("sqlite fts copy");
    Ok(())
}

fn fill(conn: &mut Connection, a: &Analysis, m: &Model<'_>) -> rusqlite::Result<()> {
    conn.execute_batch(PRAGMAS)?;
    conn.execute_batch(MAIN_PRAGMAS)?;
    conn.execute_batch(SCHEMA)?;
    conn.execute_batch(FTS_TABLE)?;
    let mut clock = crate::pipeline::Timings::start();
    let tx = conn.transaction()?;
    fill_meta_and_entities(&tx, a, m)?;
    fill_notes(&tx, m)?;
    fill_edges_and_findings(&tx, m)?;
    tx.commit()?;
    clock.lap("sqlite rows");
    conn.execute_batch(INDEXES)?;
    clock.lap("sqlite indexes");
    Ok(())
}

fn fill_meta_and_entities(
    tx: &rusqlite::Transaction<'_>,
    a: &Analysis,
    m: &Model<'_>,
) -> rusqlite::Result<()> {
    let tx = &**tx;
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
    let mut entities = Inserter::new(tx, "entities", "", 5)?;
    let mut rows = Vec::with_capacity(m.entities.len() * 5);
    for e in &m.entities {
        let note_id = note_of_entity.get(e.id).copied().flatten();
        rows.extend([
            V::int(e.id),
            V::Text(e.kind),
            V::Text(e.name),
            note_id.map_or(V::Null, V::int),
            V::Int(e.inbound_links.into()),
        ]);
    }
    entities.insert(&rows)?;
    Ok(())
}

/// The notes and what they hold: made, and spread into rows, a batch ahead on the other
/// threads while this one writes.
fn fill_notes(tx: &rusqlite::Transaction<'_>, m: &Model<'_>) -> rusqlite::Result<()> {
    let tx = &**tx;
    let mut w = Writers {
        notes: Inserter::new(tx, "notes", "", 10)?,
        aliases: Inserter::new(tx, "aliases", "", 6)?,
        tags: Inserter::new(tx, "tags", "", 5)?,
        headings: Inserter::new(tx, "headings", "", 5)?,
        blocks: Inserter::new(tx, "blocks", "", 3)?,
        links: Inserter::new(
            tx,
            "links",
            "(note_id, idx, kind, target, subpath, display, status, target_path, \
             target_entity_id, in_table, line, col, start, end)",
            14,
        )?,
        tables: Inserter::new(tx, "tables", "", 6)?,
        columns: Inserter::new(tx, "table_columns", "", 8)?,
        cells: Inserter::new(tx, "cells", "", 13)?,
    };
    std::thread::scope(|s| -> rusqlite::Result<()> {
        let (send, batches) = std::sync::mpsc::sync_channel(1);
        s.spawn(move || {
            let mut table_id = 0_i64;
            for batch in m.notes.batches() {
                let mut rows = Rows::default();
                for n in &batch {
                    rows.add(n, &mut table_id);
                }
                if send.send(rows).is_err() {
                    break;
                }
            }
        });
        for rows in batches {
            w.write(&rows)?;
        }
        Ok(())
    })?;
    Ok(())
}

fn fill_edges_and_findings(tx: &rusqlite::Transaction<'_>, m: &Model<'_>) -> rusqlite::Result<()> {
    let tx = &**tx;
    let mut edges = Inserter::new(tx, "edges", "", 3)?;
    let mut rows = Vec::with_capacity(m.edges.len() * 3);
    for e in &m.edges {
        rows.extend([V::int(e.from), V::int(e.to), V::Int(e.count.into())]);
    }
    edges.insert(&rows)?;
    let mut attachment = tx.prepare("INSERT INTO attachments VALUES (?1)")?;
    for p in m.attachments {
        attachment.execute(params![p])?;
    }
    let mut diagnostic = tx.prepare("INSERT INTO diagnostics VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?;
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
    Ok(())
}

/// One value of a row to insert: what `params!` would bind, without a boxed `ToSql` per value.
enum V<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
    Owned(String),
}

impl V<'_> {
    fn int(i: usize) -> Self {
        // Ids and indexes: rusqlite binds a `usize` as this same `i64`.
        V::Int(i64::try_from(i).unwrap_or(i64::MAX))
    }

    fn opt_text(s: Option<&str>) -> V<'_> {
        s.map_or(V::Null, V::Text)
    }
}

impl rusqlite::ToSql for V<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            V::Null => ValueRef::Null,
            V::Int(i) => ValueRef::Integer(*i),
            V::Real(f) => ValueRef::Real(*f),
            V::Text(s) => ValueRef::Text(s.as_bytes()),
            V::Owned(s) => ValueRef::Text(s.as_bytes()),
        }))
    }
}

/// Inserts rows into one table, [`ROWS_AT_ONCE`] to a statement (one `INSERT` with many
/// `VALUES` rows costs SQLite far less than as many one-row statements) and the rest one by
/// one, in order.
struct Inserter<'c> {
    width: usize,
    one: rusqlite::Statement<'c>,
    many: rusqlite::Statement<'c>,
}

const ROWS_AT_ONCE: usize = 64;

impl<'c> Inserter<'c> {
    fn new(
        conn: &'c Connection,
        table: &str,
        columns: &str,
        width: usize,
    ) -> rusqlite::Result<Self> {
        let row = format!("({})", vec!["?"; width].join(", "));
        let sql = |n: usize| {
            format!(
                "INSERT INTO {table} {columns} VALUES {}",
                vec![row.as_str(); n].join(", ")
            )
        };
        Ok(Self {
            width,
            one: conn.prepare(&sql(1))?,
            many: conn.prepare(&sql(ROWS_AT_ONCE))?,
        })
    }

    /// `rows`: the values of whole rows, one after the other.
    fn insert(&mut self, rows: &[V<'_>]) -> rusqlite::Result<()> {
        let mut chunks = rows.chunks_exact(self.width * ROWS_AT_ONCE);
        for chunk in &mut chunks {
            run(&mut self.many, chunk)?;
        }
        for row in chunks.remainder().chunks_exact(self.width) {
            run(&mut self.one, row)?;
        }
        Ok(())
    }
}

fn run(stmt: &mut rusqlite::Statement<'_>, values: &[V<'_>]) -> rusqlite::Result<()> {
    for (i, v) in values.iter().enumerate() {
        stmt.raw_bind_parameter(i + 1, v)?;
    }
    stmt.raw_execute()?;
    Ok(())
}

struct Writers<'c> {
    notes: Inserter<'c>,
    aliases: Inserter<'c>,
    tags: Inserter<'c>,
    headings: Inserter<'c>,
    blocks: Inserter<'c>,
    links: Inserter<'c>,
    tables: Inserter<'c>,
    columns: Inserter<'c>,
    cells: Inserter<'c>,
}

impl Writers<'_> {
    fn write(&mut self, r: &Rows<'_>) -> rusqlite::Result<()> {
        self.notes.insert(&r.notes)?;
        self.aliases.insert(&r.aliases)?;
        self.tags.insert(&r.tags)?;
        self.headings.insert(&r.headings)?;
        self.blocks.insert(&r.blocks)?;
        self.links.insert(&r.links)?;
        self.tables.insert(&r.tables)?;
        self.columns.insert(&r.columns)?;
        self.cells.insert(&r.cells)
    }
}

/// A batch of notes spread into the rows of each table. Each table's rows keep note order, and
/// no table's rows depend on another's, so writing them table by table gives the same
/// database as writing them note by note.
#[derive(Default)]
struct Rows<'a> {
    notes: Vec<V<'a>>,
    aliases: Vec<V<'a>>,
    tags: Vec<V<'a>>,
    headings: Vec<V<'a>>,
    blocks: Vec<V<'a>>,
    links: Vec<V<'a>>,
    tables: Vec<V<'a>>,
    columns: Vec<V<'a>>,
    cells: Vec<V<'a>>,
}

impl<'a> Rows<'a> {
    fn add(&mut self, n: &NoteOut<'a>, table_id: &mut i64) {
        let frontmatter = n
            .frontmatter
            .map(|f| V::Owned(serde_json::to_string(f).unwrap_or_default()));
        let updated = n.updated.as_ref().map(|u| V::Owned(u.date.clone()));
        let commit = n.last_commit.as_ref();
        self.notes.extend([
            V::int(n.id),
            V::Text(n.path),
            V::Text(n.name),
            V::Text(n.title),
            V::int(n.entity),
            frontmatter.unwrap_or(V::Null),
            updated.unwrap_or(V::Null),
            V::Int(n.word_count.into()),
            commit.map_or(V::Null, |c| V::Owned(c.date.clone())),
            commit.map_or(V::Null, |c| V::Text(c.commit)),
        ]);
        for al in &n.aliases {
            self.aliases.extend([V::int(n.id), V::Text(al.text)]);
            self.aliases.extend(span_values(al.span));
        }
        for t in &n.tags {
            self.tags.extend([
                V::int(n.id),
                V::Text(t.name),
                V::Text(tag_source(t.source)),
                V::Int(t.span.line.into()),
                V::Int(t.span.col.into()),
            ]);
        }
        for h in &n.headings {
            self.headings.extend([
                V::int(n.id),
                V::Int(h.level.into()),
                V::Text(h.text),
                V::Text(h.anchor),
                V::Int(h.span.line.into()),
            ]);
        }
        for b in &n.blocks {
            self.blocks
                .extend([V::int(n.id), V::Text(b.id), V::Int(b.span.line.into())]);
        }
        self.add_links(n);
        self.add_tables(n, table_id);
    }

    fn add_links(&mut self, n: &NoteOut<'a>) {
        for (i, l) in n.links.iter().enumerate() {
            let subpath = match l.subpath {
                crate::model::Subpath::None => V::Null,
                crate::model::Subpath::Heading(chain) => V::Owned(chain.joined()),
                crate::model::Subpath::Block(id) => V::Owned(format!("^{id}")),
            };
            self.links.extend([
                V::int(n.id),
                V::int(i),
                V::Text(link_kind(l.kind)),
                V::Text(l.target),
                subpath,
                V::opt_text(l.display),
                V::Text(l.resolution.status),
                V::opt_text(l.resolution.path),
                l.resolution.entity.map_or(V::Null, V::int),
                V::Int(l.in_table.into()),
                V::Int(l.span.line.into()),
                V::Int(l.span.col.into()),
                V::Int(l.span.start.into()),
                V::Int(l.span.end.into()),
            ]);
        }
    }

    fn add_tables(&mut self, n: &NoteOut<'a>, table_id: &mut i64) {
        for (i, t) in n.tables.iter().enumerate() {
            *table_id += 1;
            let heading_path = serde_json::to_string(t.heading_path).unwrap_or_default();
            self.tables.extend([
                V::Int(*table_id),
                V::int(n.id),
                V::int(i),
                V::Int(t.span.line.into()),
                V::opt_text(t.caption),
                V::Owned(heading_path),
            ]);
            for (c, (name, span)) in t.columns.iter().zip(&t.column_spans).enumerate() {
                let al = t.alignments.get(c).map_or("none", |al| align(*al));
                self.columns
                    .extend([V::Int(*table_id), V::int(c), V::Text(name), V::Text(al)]);
                self.columns.extend(span_values(*span));
            }
            for (r, row) in t.rows.iter().enumerate() {
                for (c, v) in row.iter().enumerate() {
                    let (ty, value, currency, approx, date) = cell_columns(v.value.as_ref());
                    self.cells.extend([
                        V::Int(*table_id),
                        V::int(r),
                        V::int(c),
                        V::Text(v.text),
                        V::opt_text(ty),
                        value.map_or(V::Null, V::Real),
                        currency.map_or(V::Null, |c| V::Owned(c.to_owned())),
                        approx.map_or(V::Null, |b| V::Int(b.into())),
                        date.map_or(V::Null, V::Owned),
                    ]);
                    self.cells.extend(span_values(v.span));
                }
            }
        }
    }
}

/// A span's `line`, `col` (`line_col` in tables whose `col` is a column index), `start`
/// and `end` columns.
fn span_values(s: crate::source::Span) -> [V<'static>; 4] {
    [
        V::Int(s.line.into()),
        V::Int(s.col.into()),
        V::Int(s.start.into()),
        V::Int(s.end.into()),
    ]
}

/// The names serde gives these enums (kebab-case), without going through a `serde_json::Value`.
fn tag_source(s: crate::model::TagSource) -> &'static str {
    match s {
        crate::model::TagSource::Inline => "inline",
        crate::model::TagSource::Frontmatter => "frontmatter",
    }
}

fn link_kind(k: crate::model::LinkKind) -> &'static str {
    match k {
        crate::model::LinkKind::Wiki => "wiki",
        crate::model::LinkKind::Embed => "embed",
        crate::model::LinkKind::Markdown => "markdown",
        crate::model::LinkKind::Frontmatter => "frontmatter",
    }
}

fn align(a: crate::model::Align) -> &'static str {
    match a {
        crate::model::Align::None => "none",
        crate::model::Align::Left => "left",
        crate::model::Align::Center => "center",
        crate::model::Align::Right => "right",
    }
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
        Some(CellValue::Percent { value, approx }) => {
            (Some("percent"), Some(*value), None, Some(*approx), None)
        }
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
        Some(CellValue::Multiple { value, approx }) => {
            (Some("multiple"), Some(*value), None, Some(*approx), None)
        }
        Some(CellValue::Number { value, approx }) => {
            (Some("number"), Some(*value), None, Some(*approx), None)
        }
        Some(CellValue::BasisPoints { value, approx }) => (
            Some("basis_points"),
            Some(*value),
            None,
            Some(*approx),
            None,
        ),
        Some(CellValue::Date { value }) => {
            (Some("date"), None, None, None, Some(value.to_string()))
        }
    }
}

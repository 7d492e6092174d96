//! `vaultc tables [NOTE] --format json|csv`: tables as data, with typed cells.
//!
//! Without `NOTE`, every table of the vault: notes by path, each note's tables in text order.
//!
//! **JSON** is one pretty-printed array with an object per table:
//!
//! ```json
//! {"note": "Sector rotation.md", "index": 5, "line": 82,
//!  "heading_path": ["Sector Rotation", "Current rotation (January 2026)", "XMAG ETF (S&P 493 proxy)"],
//!  "caption": "Monthly fund flows (2025)", "columns": ["Month", "Flow", "Notes"],
//!  "alignments": ["none", "none", "none"],
//!  "rows": [[{"text": "Jan", "value": null, "links": []},
//!            {"text": "~$10M", "value": {"type": "currency", "value": 10000000.0, "currency": "USD", "approx": true}, "links": []}, …]]}
//! ```
//!
//! `index` counts from 0 within the note; `line` is the table's first line; `value` is the
//! cell's typed value ([`crate::cells::typed_value`]) or `null`; `links` are the targets of the
//! links in the cell, as written.
//!
//! **CSV** (RFC 4180 quoting, `\n` line ends) holds the cells' text. With one table selected it
//! is plain CSV: the column names, then the rows. With several, each table is its own CSV block
//! (column names, then rows) preceded by a line `## <note path> #<index>` (the JSON `index`),
//! and blocks are separated by one empty line.

use std::io::Write;

use serde::Serialize;

use super::{ExitStatus, RunError, write_err};
use crate::cells::{CellValue, typed_value};
use crate::cli::{TableFormat, TablesArgs};
use crate::model::{Align, Cell, Note, Table};
use crate::query::{EntityRef, find_entity};
use crate::session::Session;

pub(super) fn run(
    args: &TablesArgs,
    session: &mut Session,
    out: &mut dyn Write,
) -> Result<ExitStatus, RunError> {
    let analysis = super::analysis(session, crate::parse::Detail::Full)?;
    let notes: Vec<&Note> = match &args.note {
        None => analysis.vault.notes.iter().collect(),
        Some(name) => match find_entity(&analysis, name) {
            Ok(EntityRef::Note(id)) => vec![&analysis.vault.notes[id]],
            Ok(EntityRef::Unresolved(shown)) => {
                return Err(RunError::Usage(format!(
                    "`{shown}` is only a link target: no note has that name, so it has no tables"
                )));
            }
            Err(e) => return Err(RunError::Usage(e.message(name))),
        },
    };
    let tables: Vec<(&Note, usize, &Table)> = notes
        .iter()
        .flat_map(|note| {
            note.tables
                .iter()
                .enumerate()
                .map(move |(i, t)| (*note, i, t))
        })
        .collect();
    match args.format {
        TableFormat::Json => write_json(&tables, out),
        TableFormat::Csv => write_csv(&tables, out),
    }
    .map_err(write_err)?;
    Ok(ExitStatus::Success)
}

#[derive(Serialize)]
struct JsonTable<'a> {
    note: &'a str,
    index: usize,
    line: u32,
    heading_path: &'a [String],
    caption: Option<&'a str>,
    columns: Vec<&'a str>,
    alignments: &'a [Align],
    rows: Vec<Vec<JsonCell<'a>>>,
}

#[derive(Serialize)]
struct JsonCell<'a> {
    text: &'a str,
    value: Option<CellValue>,
    links: Vec<&'a str>,
}

fn json_cell<'a>(note: &'a Note, cell: &'a Cell) -> JsonCell<'a> {
    JsonCell {
        text: &cell.text,
        value: typed_value(&cell.text),
        links: cell
            .links
            .iter()
            .filter_map(|&i| note.links.get(i))
            .map(|l| l.target(note))
            .collect(),
    }
}

fn write_json(tables: &[(&Note, usize, &Table)], out: &mut dyn Write) -> std::io::Result<()> {
    let items: Vec<JsonTable<'_>> = tables
        .iter()
        .map(|&(note, index, t)| JsonTable {
            note: &note.path,
            index,
            line: t.span.line,
            heading_path: &t.heading_path,
            caption: t.caption.as_deref(),
            columns: t.columns.iter().map(|c| c.text.as_str()).collect(),
            alignments: &t.alignments,
            rows: t
                .rows
                .iter()
                .map(|r| r.cells.iter().map(|c| json_cell(note, c)).collect())
                .collect(),
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &items)?;
    writeln!(out)
}

fn write_csv(tables: &[(&Note, usize, &Table)], out: &mut dyn Write) -> std::io::Result<()> {
    let several = tables.len() > 1;
    for (n, &(note, index, t)) in tables.iter().enumerate() {
        if several {
            if n > 0 {
                writeln!(out)?;
            }
            writeln!(out, "## {} #{index}", note.path)?;
        }
        csv_record(out, t.columns.iter().map(|c| c.text.as_str()))?;
        for row in &t.rows {
            csv_record(out, row.cells.iter().map(|c| c.text.as_str()))?;
        }
    }
    Ok(())
}

/// One CSV line: fields joined by commas, each quoted when RFC 4180 requires it.
fn csv_record<'a>(
    out: &mut dyn Write,
    fields: impl Iterator<Item = &'a str>,
) -> std::io::Result<()> {
    let line: Vec<String> = fields.map(csv_field).collect();
    writeln!(out, "{}", line.join(","))
}

/// A field, in double quotes (inner quotes doubled) when it holds a comma, quote, CR or LF.
fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field(""), "");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_field("cr\r"), "\"cr\r\"");
    }
}

//! `vaultc tables [NOTE] [--table N|HEADING] [--format json|csv] [--typed] [--out DIR]`:
//! tables as data, with typed cells.
//!
//! Without `NOTE`, every table of the vault: notes by path, each note's tables in text order.
//! `--table` keeps one: its number within the note (0 is the first), or a table whose caption
//! or nearest heading is that text (any case; the whole text first, else a part of it).
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
//! **CSV** (RFC 4180 quoting, `\n` line ends) is one table: the column names, then the rows,
//! cells as text. When the selection holds several tables, standard output gets none of them
//! and the error lists them to choose from; `--out DIR` writes each to its own file,
//! `DIR/<note path without .md>/<index>-<caption or heading>.csv`. `--typed` adds, after each
//! column that holds a typed value, three columns: `<name> value` (a number, or a date),
//! `<name> unit` (`percent` for a fraction such as 0.25, a currency code, `x`, `bp`, `date`, or
//! nothing for a plain number) and `<name> approx` (`true` for `~`).

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{ExitStatus, RunError, write_err};
use crate::cells::{CellValue, typed_value};
use crate::cli::{TableFormat, TablesArgs};
use crate::model::{Align, Cell, Note, Table};
use crate::query::{EntityRef, find_entity};
use crate::session::Session;

/// One table and where it is: its note and its number within the note.
type Found<'a> = (&'a Note, usize, &'a Table);

pub(super) fn run(
    args: &TablesArgs,
    session: &mut Session,
    out: &mut dyn Write,
    err: &mut dyn Write,
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
    let mut tables: Vec<Found<'_>> = notes
        .iter()
        .flat_map(|note| {
            note.tables
                .iter()
                .enumerate()
                .map(move |(i, t)| (*note, i, t))
        })
        .collect();
    if let Some(pick) = &args.table {
        tables = select(tables, pick)?;
    }
    if let Some(dir) = &args.out {
        let written = write_files(&tables, args, dir).map_err(|source| RunError::Io {
            context: format!("cannot write tables into {}", dir.display()),
            source,
        })?;
        let _ = writeln!(
            err,
            "vaultc: wrote {written} {} into {}",
            if written == 1 { "table" } else { "tables" },
            dir.display()
        );
        return Ok(ExitStatus::Success);
    }
    match args.format {
        TableFormat::Json => write_json(&tables, out).map_err(write_err)?,
        TableFormat::Csv => match tables.as_slice() {
            [] => {}
            [one] => write_csv(one, args.typed, out).map_err(write_err)?,
            several => return Err(RunError::Usage(choose_one(several))),
        },
    }
    Ok(ExitStatus::Success)
}

/// The tables `pick` names (see the module documentation); an error lists the candidates.
fn select<'a>(tables: Vec<Found<'a>>, pick: &str) -> Result<Vec<Found<'a>>, RunError> {
    if let Ok(n) = pick.trim().parse::<usize>() {
        let picked: Vec<Found<'_>> = tables.iter().copied().filter(|t| t.1 == n).collect();
        if picked.is_empty() {
            return Err(RunError::Usage(format!(
                "no table number {n} (numbers count from 0):\n{}",
                listing(&tables)
            )));
        }
        return Ok(picked);
    }
    let want = pick.trim().to_lowercase();
    let names = |t: &Found<'_>| -> Vec<String> {
        let (_, _, table) = t;
        let caption = table.caption.as_deref().map(|c| c.trim_end_matches(':'));
        caption
            .into_iter()
            .chain(table.heading_path.last().map(String::as_str))
            .map(|s| s.trim().to_lowercase())
            .collect()
    };
    let exact: Vec<Found<'_>> = tables
        .iter()
        .copied()
        .filter(|t| names(t).contains(&want))
        .collect();
    let picked = if exact.is_empty() {
        tables
            .iter()
            .copied()
            .filter(|t| names(t).iter().any(|n| n.contains(&want)))
            .collect()
    } else {
        exact
    };
    if picked.is_empty() {
        return Err(RunError::Usage(format!(
            "no table has a caption or heading `{pick}`:\n{}",
            listing(&tables)
        )));
    }
    Ok(picked)
}

/// The error for CSV of several tables: which there are, and how to choose.
fn choose_one(tables: &[Found<'_>]) -> String {
    format!(
        "{} tables selected, and CSV holds one: choose it with `--table N` or `--table \
         HEADING`, or write each to its own file with `--out DIR`:\n{}",
        tables.len(),
        listing(tables)
    )
}

/// How many tables an error lists before it says how many more there are.
const LISTED: usize = 30;

/// A line per table, `--table` number first: `   5  line 82  Monthly fund flows (2025)`,
/// under the path of each note they are in.
fn listing(tables: &[Found<'_>]) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut note = None;
    for &(n, i, t) in tables.iter().take(LISTED) {
        if note != Some(&n.path) {
            note = Some(&n.path);
            lines.push(format!("  {}", n.path));
        }
        let mut shown: String = label(t).unwrap_or("(no caption or heading)").to_owned();
        if shown.chars().count() > 48 {
            shown = shown.chars().take(47).chain(['…']).collect();
        }
        lines.push(format!("  {i:>4}  line {:<5} {shown}", t.span.line));
    }
    if tables.len() > LISTED {
        lines.push(format!("  … and {} more", tables.len() - LISTED));
    }
    if lines.is_empty() {
        lines.push("  (no tables)".to_owned());
    }
    lines.join("\n")
}

/// A table's caption, else the heading it sits under.
fn label(t: &Table) -> Option<&str> {
    t.caption
        .as_deref()
        .map(|c| c.trim_end_matches(':'))
        .or_else(|| t.heading_path.last().map(String::as_str))
}

/// Each table into its own file under `dir`: how many.
fn write_files(tables: &[Found<'_>], args: &TablesArgs, dir: &Path) -> std::io::Result<usize> {
    let ext = match args.format {
        TableFormat::Json => "json",
        TableFormat::Csv => "csv",
    };
    for &found in tables {
        let path = dir.join(file_name(found, ext));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        crate::cache::write_atomic(&path, |w| match args.format {
            TableFormat::Json => {
                serde_json::to_writer_pretty(&mut *w, &json_table(found))?;
                writeln!(w)
            }
            TableFormat::Csv => write_csv(&found, args.typed, w),
        })?;
    }
    Ok(tables.len())
}

/// `Concepts/Sector rotation/05-monthly-fund-flows-2025.csv`: the note's folders and name,
/// then the table's number and a short form of its caption or heading.
fn file_name((note, index, t): Found<'_>, ext: &str) -> PathBuf {
    let stem = note.path.strip_suffix(".md").unwrap_or(&note.path);
    let mut path: PathBuf = stem
        .split('/')
        .filter(|c| !c.is_empty() && *c != "." && *c != "..")
        .collect();
    let mut name = format!("{index:02}");
    let slug = slug(label(t).unwrap_or_default());
    if !slug.is_empty() {
        name.push('-');
        name.push_str(&slug);
    }
    path.push(format!("{name}.{ext}"));
    path
}

/// Lower-case letters and digits, runs of anything else as one `-`, at most 40 characters.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.chars().count() >= 40 {
            break;
        }
    }
    out.trim_end_matches('-').to_owned()
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

fn json_table((note, index, t): Found<'_>) -> JsonTable<'_> {
    JsonTable {
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
    }
}

fn write_json(tables: &[Found<'_>], out: &mut dyn Write) -> std::io::Result<()> {
    let items: Vec<JsonTable<'_>> = tables.iter().map(|&t| json_table(t)).collect();
    serde_json::to_writer_pretty(&mut *out, &items)?;
    writeln!(out)
}

/// One table as CSV: the column names, then the rows; with `typed`, the typed columns.
fn write_csv(&(_, _, t): &Found<'_>, typed: bool, out: &mut dyn Write) -> std::io::Result<()> {
    let values: Vec<Vec<Option<CellValue>>> = t
        .rows
        .iter()
        .map(|r| r.cells.iter().map(|c| typed_value(&c.text)).collect())
        .collect();
    // The columns that get typed columns beside them.
    let typed_columns: Vec<bool> = (0..t.columns.len())
        .map(|j| typed && values.iter().any(|r| r.get(j).is_some_and(Option::is_some)))
        .collect();
    let mut header = Vec::new();
    for (c, &with) in t.columns.iter().zip(&typed_columns) {
        header.push(c.text.clone());
        if with {
            for part in ["value", "unit", "approx"] {
                header.push(format!("{} {part}", c.text));
            }
        }
    }
    csv_record(out, &header)?;
    for (row, row_values) in t.rows.iter().zip(&values) {
        let mut fields = Vec::new();
        for (j, &with) in typed_columns.iter().enumerate() {
            fields.push(
                row.cells
                    .get(j)
                    .map_or_else(String::new, |c| c.text.clone()),
            );
            if with {
                let (value, unit, approx) =
                    typed_fields(row_values.get(j).and_then(Option::as_ref));
                fields.extend([value, unit, approx]);
            }
        }
        csv_record(out, &fields)?;
    }
    Ok(())
}

/// A typed value as (value, unit, approx) CSV fields; empty for a cell without one.
fn typed_fields(v: Option<&CellValue>) -> (String, String, String) {
    let (value, unit, approx) = match v {
        None => return (String::new(), String::new(), String::new()),
        Some(CellValue::Percent { value, approx }) => (value.to_string(), "percent", *approx),
        Some(CellValue::Currency {
            value,
            currency,
            approx,
        }) => (value.to_string(), currency.as_str(), *approx),
        Some(CellValue::Multiple { value, approx }) => (value.to_string(), "x", *approx),
        Some(CellValue::Number { value, approx }) => (value.to_string(), "", *approx),
        Some(CellValue::BasisPoints { value, approx }) => (value.to_string(), "bp", *approx),
        Some(CellValue::Date { value }) => (value.to_string(), "date", false),
    };
    (value, unit.to_owned(), approx.to_string())
}

/// One CSV line: fields joined by commas, each quoted when RFC 4180 requires it.
fn csv_record(out: &mut dyn Write, fields: &[String]) -> std::io::Result<()> {
    let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
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
    use super::{csv_field, slug};

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field(""), "");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_field("cr\r"), "\"cr\r\"");
    }

    #[test]
    fn slugs_keep_letters_and_digits() {
        assert_eq!(slug("Monthly fund flows (2025)"), "monthly-fund-flows-2025");
        assert_eq!(slug("Société Générale — Q1"), "société-générale-q1");
        assert_eq!(slug("../.."), "");
        assert_eq!(slug(&"x".repeat(100)).len(), 40);
    }
}

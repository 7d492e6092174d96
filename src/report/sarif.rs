//! SARIF 2.1.0: every rule in `tool.driver.rules` with its documentation, every finding as a
//! result with a region (1-based lines, columns in Unicode code points as `columnKind` says,
//! and the span's byte offset and length) and its fix.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::{Options, Sources};
use crate::config::RuleLevel;
use crate::diagnostic::{Diagnostic, Level};
use crate::rules::RULES;

fn level(l: Level) -> &'static str {
    match l {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info => "note",
    }
}

pub(super) fn render(
    diagnostics: &[Diagnostic],
    sources: &dyn Sources,
    opts: &Options,
    out: &mut dyn Write,
) -> io::Result<()> {
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| result(d, sources, opts))
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "vaultc",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/vaultc/vaultc",
                "rules": rules(),
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// Every rule with its documentation and default level.
fn rules() -> Vec<Value> {
    RULES
        .iter()
        .map(|r| {
            let m = r.meta();
            let default = match m.default_level {
                RuleLevel::On(l) => level(l),
                RuleLevel::Off => "none",
            };
            json!({
                "id": m.name,
                "shortDescription": { "text": m.summary() },
                "fullDescription": { "text": m.documentation() },
                "help": { "text": m.documentation(), "markdown": m.documentation() },
                "defaultConfiguration": { "level": default, "enabled": default != "none" },
            })
        })
        .collect()
}

/// One finding as a SARIF result: where, what, and its fix.
fn result(d: &Diagnostic, sources: &dyn Sources, opts: &Options) -> Value {
    let uri = uri_encode(&opts.display_path(&d.path));
    let mut location = json!({ "artifactLocation": { "uri": uri } });
    if let Some(s) = d.span {
        let (end_line, end_col) = sources.end(d).unwrap_or((s.line, s.col));
        location["region"] = json!({
            "startLine": s.line,
            "startColumn": s.col,
            "endLine": end_line,
            "endColumn": end_col,
            // Offsets in bytes, as vaultc's spans are, under the names SARIF gives bytes:
            // `charOffset` would count characters (code points, as `columnKind` says the
            // columns do), which an incremental run cannot count without reading the note.
            "byteOffset": s.start,
            "byteLength": s.end - s.start,
        });
    }
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let mut result = json!({
        "ruleId": d.rule,
        "ruleIndex": RULES.iter().position(|r| r.meta().name == d.rule).unwrap_or(0),
        "level": level(d.level),
        "message": { "text": message },
        "locations": [{ "physicalLocation": location }],
    });
    if let (Some(fix), Some(note)) = (&d.fix, d.note) {
        let at = |offset| sources.position(note, offset).unwrap_or((0, 0));
        let replacements: Vec<Value> = fix
            .edits
            .iter()
            .map(|e| {
                let (line, col) = at(e.start);
                let (end_line, end_col) = at(e.end);
                json!({
                    "deletedRegion": {
                        "startLine": line, "startColumn": col,
                        "endLine": end_line, "endColumn": end_col,
                    },
                    "insertedContent": { "text": e.content },
                })
            })
            .collect();
        result["fixes"] = json!([{
            "description": { "text": fix.message },
            "artifactChanges": [{
                "artifactLocation": { "uri": uri_encode(&opts.display_path(&d.path)) },
                "replacements": replacements,
            }],
        }]);
    }
    result
}

/// A relative URI reference: unreserved characters and `/` kept, the rest percent-encoded.
fn uri_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

//! Integration tests for `vaultc tables`.

use serde_json::Value;

use crate::{fixture, stdout, vaultc};

/// `vaultc tables ARGS` in the seed vault, which must succeed; its JSON output.
fn tables_json(args: &[&str]) -> Vec<Value> {
    let mut all = vec!["tables"];
    all.extend_from_slice(args);
    let o = vaultc(&fixture("seed"), &all);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_str(&stdout(&o)).expect("valid JSON")
}

#[test]
fn seed_note_has_sixteen_tables_in_text_order() {
    let tables = tables_json(&["Sector rotation"]);
    assert_eq!(tables.len(), 16);
    for (i, t) in tables.iter().enumerate() {
        assert_eq!(t["note"], "Sector rotation.md");
        assert_eq!(t["index"], i);
    }
    let lines: Vec<u64> = tables.iter().map(|t| t["line"].as_u64().unwrap()).collect();
    assert_eq!(
        lines,
        [
            11, 28, 43, 56, 73, 82, 101, 115, 125, 137, 157, 167, 188, 201, 214, 224
        ]
    );
    // The whole vault is this one note: same tables without a note argument.
    assert_eq!(tables_json(&[]), tables);
    // Found by path too, `.md` optional, any case.
    assert_eq!(tables_json(&["sector ROTATION.md"]).len(), 16);
}

#[test]
fn monthly_fund_flows_are_typed_currency() {
    let tables = tables_json(&["Sector rotation"]);
    let flows = tables
        .iter()
        .find(|t| {
            t["caption"]
                .as_str()
                .is_some_and(|c| c.contains("Monthly fund flows"))
        })
        .expect("a table captioned Monthly fund flows");
    assert_eq!(flows["caption"], "Monthly fund flows (2025)");
    assert_eq!(flows["line"], 82);
    assert_eq!(
        flows["heading_path"],
        serde_json::json!([
            "Sector Rotation",
            "Current rotation (January 2026)",
            "XMAG ETF (S&P 493 proxy)"
        ])
    );
    assert_eq!(
        flows["columns"],
        serde_json::json!(["Month", "Flow", "Notes"])
    );
    let rows = flows["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 12);

    let flow = rows.iter().map(|r| &r[1]).collect::<Vec<_>>();
    for cell in &flow {
        assert_eq!(cell["value"]["type"], "currency", "{cell}");
        assert_eq!(cell["value"]["currency"], "USD", "{cell}");
        assert_eq!(cell["value"]["approx"], true, "{cell}");
    }
    let millions: Vec<f64> = flow
        .iter()
        .map(|c| c["value"]["value"].as_f64().unwrap() / 1e6)
        .collect();
    assert_eq!(
        millions,
        [
            10.0, 5.0, 3.0, 2.0, 1.0, -1.0, 1.0, 2.0, 4.0, 10.0, 8.0, 38.0
        ]
    );
    let june = &rows[5];
    assert_eq!(june[0]["text"], "Jun");
    assert_eq!(june[1]["text"], "~-$1M");
    assert_eq!(june[1]["value"]["value"], -1_000_000.0);
    let december = &rows[11];
    assert_eq!(december[0]["text"], "Dec", "emphasis markers are not text");
    assert_eq!(december[1]["text"], "~$38M");
    assert_eq!(december[1]["value"]["value"], 38_000_000.0);
    // Empty Notes cells are empty text with no value.
    assert_eq!(rows[0][2]["text"], "");
    assert_eq!(rows[0][2]["value"], Value::Null);
    assert_eq!(rows[5][2]["text"], "Only outflow month");
}

#[test]
fn cells_keep_links_and_other_typed_values() {
    let tables = tables_json(&["Sector rotation"]);
    // "The setup": percents and multiples; "—" has no value.
    let setup = &tables[1];
    assert_eq!(setup["heading_path"][2], "The setup");
    let row = |r: usize| &setup["rows"][r];
    assert_eq!(
        row(1)[1]["value"],
        serde_json::json!({"type": "percent", "value": 0.25})
    );
    assert_eq!(row(0)[1]["value"]["value"], -0.02);
    assert_eq!(
        row(3)[1]["value"],
        serde_json::json!({"type": "multiple", "value": 29.0})
    );
    assert_eq!(row(0)[2]["text"], "—");
    assert_eq!(row(0)[2]["value"], Value::Null);
    assert_eq!(
        row(5)[1]["value"],
        Value::Null,
        "46% (2026E) is not one value"
    );

    // Analyst targets: links in the first column, bold percents typed.
    let targets = &tables[8];
    assert_eq!(targets["columns"][0], "Stock");
    assert_eq!(targets["rows"][0][0]["text"], "NVIDIA");
    assert_eq!(
        targets["rows"][0][0]["links"],
        serde_json::json!(["NVIDIA"])
    );
    assert_eq!(targets["rows"][0][1]["value"]["value"], 0.39);
    assert_eq!(targets["rows"][6][1]["value"]["value"], -0.09);
    assert_eq!(targets["rows"][0][2]["links"], serde_json::json!([]));
}

/// A small RFC 4180 reader: records of fields, for checking what `--format csv` wrote.
fn read_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(!quoted, "unterminated quoted field");
    assert!(field.is_empty() && record.is_empty(), "last line not ended");
    records
}

/// Checks a CSV text against a table of `vaultc tables` JSON: header, then rows, as text.
fn assert_csv_is_table(csv: &str, table: &Value) {
    let records = read_csv(csv);
    let rows = table["rows"].as_array().unwrap();
    let i = &table["index"];
    assert_eq!(records.len(), 1 + rows.len(), "table {i}: header and rows");
    let columns: Vec<&str> = table["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(records[0], columns, "table {i}");
    for (record, row) in records[1..].iter().zip(rows) {
        let texts: Vec<&str> = row
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["text"].as_str().unwrap())
            .collect();
        assert_eq!(record, &texts, "table {i}");
    }
}

/// CSV is one table, always valid: several tables selected write nothing to standard
/// output and list themselves; `--table N` or `--table HEADING` picks one.
#[test]
fn csv_is_one_table_chosen_by_number_or_heading() {
    let json = tables_json(&[]);
    let o = vaultc(&fixture("seed"), &["tables", "--format", "csv"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty(), "{}", stdout(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("16 tables selected") && err.contains("--table"),
        "{err}"
    );
    assert!(
        err.contains("5  line 82    Monthly fund flows (2025)"),
        "{err}"
    );

    for (i, table) in json.iter().enumerate() {
        let n = i.to_string();
        let o = vaultc(
            &fixture("seed"),
            &[
                "tables",
                "Sector rotation",
                "--format",
                "csv",
                "--table",
                &n,
            ],
        );
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert_csv_is_table(&stdout(&o), table);
    }
    let by_number = vaultc(
        &fixture("seed"),
        &["tables", "--format", "csv", "--table", "5"],
    );
    let flows = stdout(&by_number);
    assert!(
        flows.contains("\nJun,~-$1M,Only outflow month\n"),
        "{flows}"
    );
    for heading in ["Monthly fund flows (2025)", "monthly FUND flows"] {
        let o = vaultc(
            &fixture("seed"),
            &["tables", "--format", "csv", "--table", heading],
        );
        assert_eq!(stdout(&o), flows, "--table {heading:?}");
    }
    // A heading with several tables under it, or none: an error that lists them.
    let o = vaultc(
        &fixture("seed"),
        &["tables", "--format", "csv", "--table", "rotation"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("6 tables selected"));
    let o = vaultc(&fixture("seed"), &["tables", "--table", "no such heading"]);
    assert_eq!(o.status.code(), Some(2));
    let o = vaultc(&fixture("seed"), &["tables", "--table", "16"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("no table number 16"));
    // JSON keeps what `--table` picks.
    assert_eq!(tables_json(&["--table", "5"]), [json[5].clone()]);
}

/// `--out DIR` writes every table to its own file, each valid CSV (or JSON).
#[test]
fn out_writes_one_file_per_table() {
    let json = tables_json(&[]);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("tables");
    let o = vaultc(
        &fixture("seed"),
        &["tables", "--format", "csv", "--out", out.to_str().unwrap()],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.stdout.is_empty());
    let dir = out.join("Sector rotation");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), json.len());
    assert_eq!(names[5], "05-monthly-fund-flows-2025.csv");
    assert_eq!(names[0], "00-how-rotation-works.csv");
    // Cells with commas are quoted.
    let text = std::fs::read_to_string(dir.join(&names[0])).unwrap();
    assert!(
        text.contains(
            "Growth → Value,\"Late cycle, rates rising, valuation stretch\",\"Tech/growth → financials, industrials, energy\""
        ),
        "{text}"
    );
    for (name, table) in names.iter().zip(&json) {
        assert_csv_is_table(&std::fs::read_to_string(dir.join(name)).unwrap(), table);
    }
    let o = vaultc(
        &fixture("seed"),
        &["tables", "--table", "5", "--out", out.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(0));
    let one: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("05-monthly-fund-flows-2025.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(one, json[5]);
}

/// `--typed` puts each typed column's value, unit and approximation beside its text.
#[test]
fn typed_csv_has_value_unit_and_approx_columns() {
    let o = vaultc(
        &fixture("seed"),
        &["tables", "--format", "csv", "--table", "5", "--typed"],
    );
    assert_eq!(o.status.code(), Some(0));
    let records = read_csv(&stdout(&o));
    assert_eq!(
        records[0],
        [
            "Month",
            "Flow",
            "Flow value",
            "Flow unit",
            "Flow approx",
            "Notes"
        ]
    );
    assert_eq!(
        records[6],
        [
            "Jun",
            "~-$1M",
            "-1000000",
            "USD",
            "true",
            "Only outflow month"
        ]
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Mixed.md"),
        "| Name | Share | Since |\n|---|---|---|\n| a | 25% | 2026-01-14 |\n| b | 1.5x | soon |\n",
    )
    .unwrap();
    let o = vaultc(
        dir.path(),
        &["tables", "Mixed", "--format", "csv", "--typed"],
    );
    assert_eq!(
        read_csv(&stdout(&o)),
        [
            vec![
                "Name",
                "Share",
                "Share value",
                "Share unit",
                "Share approx",
                "Since",
                "Since value",
                "Since unit",
                "Since approx"
            ],
            vec![
                "a",
                "25%",
                "0.25",
                "percent",
                "false",
                "2026-01-14",
                "2026-01-14",
                "date",
                "false"
            ],
            vec!["b", "1.5x", "1.5", "x", "false", "soon", "", "", ""],
        ]
    );
}

#[test]
fn csv_for_a_note_with_one_table_is_plain() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("One.md"),
        "# One\n\n| Name | Quote |\n|---|---|\n| a, b | say \"hi\" |\n| [[Two]] | 5% |\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("Two.md"), "No tables here.\n").unwrap();

    let o = vaultc(dir.path(), &["tables", "One", "--format", "csv"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o),
        "Name,Quote\n\"a, b\",\"say \"\"hi\"\"\"\nTwo,5%\n"
    );
    assert_eq!(
        read_csv(&stdout(&o)),
        [
            vec!["Name", "Quote"],
            vec!["a, b", "say \"hi\""],
            vec!["Two", "5%"]
        ]
    );

    let o = vaultc(dir.path(), &["tables", "Two"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        serde_json::from_str::<Value>(&stdout(&o)).unwrap(),
        serde_json::json!([])
    );
    let o = vaultc(dir.path(), &["tables", "Two", "--format", "csv"]);
    assert_eq!(stdout(&o), "");
}

#[test]
fn unknown_note_is_a_usage_error_naming_the_closest() {
    let o = vaultc(&fixture("seed"), &["tables", "Sector rotatoin"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("Sector rotatoin"), "{err}");
    assert!(err.contains("`Sector rotation`"), "{err}");
}

#[test]
fn misspelt_entity_is_a_usage_error_naming_the_closest() {
    let o = vaultc(&fixture("seed"), &["tables", "Nvidiaa"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("no note, alias or linked name `Nvidiaa`"),
        "{err}"
    );
    assert!(err.contains("`NVIDIA`"), "{err}");
}

#[test]
fn linked_name_without_a_note_is_a_usage_error() {
    let o = vaultc(&fixture("seed"), &["tables", "NVIDIA"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("NVIDIA"), "{err}");
    assert!(err.contains("only a link target"), "{err}");
}

/// A vault of one note with a row wider than its header, and the note its links reach.
fn oil_majors() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Oil majors.md"),
        "# Oil majors\n\n| Company | Peer |\n|---|---|\n\
         | Chevron | [[Exxon|XOM]] | [[Chevron]] | [[Shell]] |\n\
         | ~98% | 7060X | 1.5× |\n| ~16x | 29x | 10X |\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("Chevron.md"), "# Chevron\n").unwrap();
    dir
}

#[test]
fn links_past_the_header_are_references() {
    let dir = oil_majors();
    let o = vaultc(dir.path(), &["refs", "Chevron", "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let refs: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(refs["count"], 1);
    let r = &refs["notes"][0]["references"][0];
    assert_eq!(
        (&r["text"], &r["line"], &r["in_table"]),
        (&"[[Chevron]]".into(), &5.into(), &true.into())
    );
    let o = vaultc(dir.path(), &["backlinks", "Chevron"]);
    assert!(stdout(&o).contains("Oil majors.md:5:29"), "{}", stdout(&o));
    // The broken one is reported, and the row still is.
    let (diags, _) = crate::json(dir.path(), &[]);
    let rules: Vec<(&str, &str)> = diags
        .iter()
        .map(|d| (d["rule"].as_str().unwrap(), d["message"].as_str().unwrap()))
        .collect();
    assert!(
        rules.contains(&(
            "broken-link",
            "link target `Shell` matches no note or attachment"
        )),
        "{rules:?}"
    );
    assert!(
        rules.iter().any(|r| r.0 == "table-column-count"),
        "{rules:?}"
    );
    assert!(
        rules.iter().any(|r| r.0 == "table-unescaped-pipe"),
        "{rules:?}"
    );
}

#[test]
fn approximate_percents_are_typed_and_product_names_are_text() {
    let dir = oil_majors();
    let o = vaultc(dir.path(), &["tables", "Oil majors"]);
    assert_eq!(o.status.code(), Some(0));
    let tables: Vec<Value> = serde_json::from_str(&stdout(&o)).unwrap();
    let rows = &tables[0]["rows"];
    assert_eq!(
        rows[1][0]["value"],
        serde_json::json!({"type": "percent", "value": 0.98, "approx": true})
    );
    assert_eq!(rows[1][1]["text"], "7060X");
    assert_eq!(
        rows[1][1]["value"],
        Value::Null,
        "an Arista switch, not a multiple"
    );
    assert_eq!(
        rows[2][0]["value"],
        serde_json::json!({"type": "multiple", "value": 16.0, "approx": true})
    );
    assert_eq!(
        rows[2][1]["value"],
        serde_json::json!({"type": "multiple", "value": 29.0})
    );
}
